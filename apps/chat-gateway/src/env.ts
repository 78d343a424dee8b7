import { HttpEnv } from '@frontier/platform-config';

/** chat-gateway's environment: the platform's HTTP variables; multimodal's own go here. */
export class ChatGatewayEnv extends HttpEnv {}
