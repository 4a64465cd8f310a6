// Colours for people at a terminal: on only when stdout is a TTY and NO_COLOR is
// unset (https://no-color.org), so pipes, files and scripts get plain text.

export interface Style {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const ansi =
  (open: number, close: number) =>
  (text: string): string =>
    `\x1b[${open}m${text}\x1b[${close}m`;

const plain = (text: string): string => text;

export const COLOURED: Style = {
  green: ansi(32, 39),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39),
  dim: ansi(2, 22),
  bold: ansi(1, 22),
};

export const PLAIN: Style = { green: plain, red: plain, yellow: plain, cyan: plain, dim: plain, bold: plain };

/** Whether to colour what goes to `stream`: a TTY, and no `NO_COLOR` with a value in `env`. */
export function isColourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "";
}
