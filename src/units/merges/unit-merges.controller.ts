import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../auth/actor';
import { CurrentActor, Roles } from '../../auth/decorators';
import { ParseId } from '../../infrastructure/http/uuid.pipe';
import { MergeUnitsDto } from './unit-merge.dto';
import { UnitMergesService } from './unit-merges.service';

/** Communes that merge into one (and the split that undoes it). */
@ApiTags('units')
@ApiBearerAuth()
@Controller('api/v1/units')
export class UnitMergesController {
  constructor(private readonly merges: UnitMergesService) {}

  @Post('merge')
  @Roles('admin')
  @ApiOperation({ operationId: 'mergeUnits', summary: 'Gộp các xã thành một xã mới: kênh, thiết bị, người dùng, quy định và lịch sắp tới chuyển sang; báo cáo các kỳ trước giữ nguyên' })
  merge(@CurrentActor() actor: Actor, @Body() dto: MergeUnitsDto) {
    return this.merges.merge(actor, dto);
  }

  @Post(':id/split')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ operationId: 'splitUnit', summary: 'Tách xã đã gộp: trả kênh, người dùng và quy định về các xã cũ' })
  split(@CurrentActor() actor: Actor, @Param('id', ParseId) id: string) {
    return this.merges.split(actor, id);
  }
}
