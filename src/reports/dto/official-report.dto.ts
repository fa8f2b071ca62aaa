import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ComplianceQuery } from '../../schedule/dto/schedule.dto';

/** The official report: whose, which dates, and what the district writes on it before signing. */
export class OfficialReportDto extends ComplianceQuery {
  // unitId, from, to: local dates, inclusive (see GET /reports/periods for the halves, years and Decree 09/2019 cut-offs)

  /** docx (editable before signing, the default) or pdf. */
  @IsOptional() @IsIn(['docx', 'pdf'])
  format?: 'docx' | 'pdf';

  /** "Số: 12/BC-UBND"; left blank for the clerk when absent. */
  @IsOptional() @IsString() @MaxLength(100)
  number?: string;

  /** The place before the date ("Quan Sơn, ngày …"); default: the unit's name. */
  @IsOptional() @IsString() @MaxLength(100)
  place?: string;

  /** Above the issuing body; default: the parent unit's name. */
  @IsOptional() @IsString() @MaxLength(200)
  parentBody?: string;

  /** The issuing body; default: "UBND " and the unit's name. */
  @IsOptional() @IsString() @MaxLength(200)
  issuingBody?: string;

  /** "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"; default: CHỦ TỊCH. */
  @IsOptional() @IsString() @MaxLength(200)
  signerTitle?: string;

  @IsOptional() @IsString() @MaxLength(200)
  signerName?: string;

  /** Nơi nhận, one per line; "Lưu: VT" is added. */
  @IsOptional() @IsArray() @ArrayMaxSize(30) @IsString({ each: true }) @MaxLength(200, { each: true })
  recipients?: string[];
}

export class ReportPeriodsQuery {
  /** Whose time zone "today" is read in; default Asia/Ho_Chi_Minh. */
  @IsOptional() @IsUUID()
  unitId?: string;
}

/** A report file's query: whose, which dates, and in which language (the broadcast log CSV, the XLSX). */
export class ReportFileQuery extends ComplianceQuery {
  /** The words of the file: Vietnamese (default) or English. */
  @IsOptional() @IsIn(['vi', 'en'])
  lang?: 'vi' | 'en';
}
