/** Text files, where the runtime has a file system (Node, Deno); browsers keep saved artifacts themselves. */
export interface TextFiles {
  readonly hasFileSystem: boolean;
  readText(path: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
}
