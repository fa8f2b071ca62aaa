import { Module } from '@nestjs/common';
import { MediaModule } from '../../media/media.module';
import { AcousticReferences } from './acoustic-references';
import { AcousticVerifier } from './acoustic-verifier';

/** Acoustic proof of airing: the service's side of the players' monitors. */
@Module({
  imports: [MediaModule],
  providers: [AcousticReferences, AcousticVerifier],
  exports: [AcousticVerifier],
})
export class AcousticModule {}
