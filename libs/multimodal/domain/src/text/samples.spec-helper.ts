/** Sample texts the estimate is measured on against o200k_base (counter.spec.ts, the table in counter.ts). */
export const SAMPLES: Record<string, string> = {
  'English prose':
    'The context assembler is the budget manager: it enforces the token window allocation across modalities, applies frame sampling for video, ' +
    'and rejects inputs that would exceed limits before any expensive encoding runs. If the total fits, dispatch all encoding jobs in parallel; ' +
    'otherwise reduce video to keyframes, lower the image resolution, and drop the oldest turns of the conversation history.',
  'TypeScript code':
    'export function partPath(turnIndex: number, partIndex: number): string {\n  return `messages[${turnIndex}].content[${partIndex}]`;\n}\n\n' +
    'const total = parts.reduce((sum, p) => sum + estimateTokens(profile.id, p), 0);\nif (total > limit) throw new Error(`over by ${total - limit}`);\n',
  'JSON request': '{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"What is in this image?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"high"}}]}],"max_tokens":300,"stream":true}',
  'Chinese prose': '多模态聊天助手需要在文本、图像、音频和视频之间共享上下文窗口。预算管理器在编码之前估算每种模态的令牌数量，并在超出限制时降低视频帧率或图像分辨率。',
  'Russian prose':
    'Мультимодальный ассистент делит одно контекстное окно между текстом, изображениями, аудио и видео. Менеджер бюджета оценивает число токенов до кодирования и при превышении снижает частоту кадров.',
  'digits and UUIDs': '3f2b8c1e-9a4d-4b7f-8e21-6c5d0a9b1f34 1234567890 2718281828 3141592653 550e8400-e29b-41d4-a716-446655440000 42 1e-9 0.007776',
  emoji: '🎥📷🎙️🖼️ 👍👍👍 🚀✨🔥 😀😃😄😁',
};
