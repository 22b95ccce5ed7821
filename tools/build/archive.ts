/**
 * The course as one download: a `.tar.gz` that runs after unpacking.
 *
 * It holds one edition of the notebooks (`notebooks/`), the library (`lib/`), `deno.json` (with
 * only the tasks that work outside a clone: `lab` and `nb`), `deno.lock`, the tools those tasks
 * run, and a short README. Written with the ustar format and the gzip of `CompressionStream`, so
 * no archiver is needed to make it; `tar xzf` (or a double click on most systems) unpacks it.
 *
 * @module
 */

/** One file of an archive. */
export interface ArchiveFile {
  /** Path inside the archive, `/`-separated, relative. */
  path: string;
  /** The contents. */
  data: Uint8Array;
  /**
   * Permission bits.
   * @default {0o644}
   */
  mode?: number;
}

const encoder = new TextEncoder();

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(path: string, size: number, mode: number, mtime: number): Uint8Array {
  const block = new Uint8Array(512);
  let name = path;
  let prefix = "";
  if (encoder.encode(name).length > 100) {
    const cut = path.lastIndexOf("/", 154);
    if (cut <= 0 || encoder.encode(path.slice(cut + 1)).length > 100) {
      throw new RangeError(`archive path too long for ustar: ${path}`);
    }
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
  }
  const put = (text: string, offset: number) => block.set(encoder.encode(text), offset);
  put(name, 0);
  put(octal(mode, 8), 100);
  put(octal(0, 8), 108); // uid
  put(octal(0, 8), 116); // gid
  put(octal(size, 12), 124);
  put(octal(mtime, 12), 136);
  put("        ", 148); // checksum placeholder
  put("0", 156); // a regular file
  put("ustar\0", 257);
  put("00", 263);
  put(prefix, 345);
  const sum = block.reduce((s, b) => s + b, 0);
  put(octal(sum, 7) + " ", 148);
  return block;
}

/**
 * A gzip-compressed ustar archive of `files` (folders are implied by the paths), with every file
 * dated `mtime` so the same files give the same archive.
 *
 * @param files The files, in the order they are stored.
 * @param mtime Seconds since 1970 stamped on each file.
 * @returns The `.tar.gz` bytes.
 * @throws {RangeError} When a path is absolute, climbs out with `..`, or is too long for ustar.
 */
export async function tarGz(files: readonly ArchiveFile[], mtime = 0): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    if (file.path.startsWith("/") || file.path.split("/").includes("..")) {
      throw new RangeError(`archive paths must be relative and stay inside, got ${file.path}`);
    }
    parts.push(header(file.path, file.data.length, file.mode ?? 0o644, mtime), file.data);
    const pad = (512 - (file.data.length % 512)) % 512;
    if (pad > 0) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024)); // two zero blocks end the archive
  const tar = new Blob(parts as BlobPart[]);
  const gz = tar.stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gz).arrayBuffer());
}
