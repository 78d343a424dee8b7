import { Presets, SingleBar } from 'cli-progress';

/** A progress display for one long step at a time. */
export interface Progress {
  start(label: string, total: number, unit: string): void;
  update(value: number): void;
  stop(): void;
}

export const NO_PROGRESS: Progress = { start: () => undefined, update: () => undefined, stop: () => undefined };

/**
 * A cli-progress bar on `stream`, only when it is a terminal (never in pipes, files or CI logs,
 * where it would only add noise to what a machine reads). The bar is cleared when a step ends.
 */
export function terminalProgress(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  let bar: SingleBar | undefined;
  return {
    start(label, total, unit) {
      bar?.stop();
      bar = new SingleBar(
        {
          stream,
          format: `${label.padEnd(20)} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
          barsize: 30,
          fps: 10,
        },
        Presets.shades_classic,
      );
      bar.start(Math.max(1, total), 0);
    },
    update(value) {
      bar?.update(value);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
