export { MultimodalModule } from './multimodal.module';
export { MultimodalService } from './multimodal.service';
