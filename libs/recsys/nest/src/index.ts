export { RecsysModule } from './recsys.module';
