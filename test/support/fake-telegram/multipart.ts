import { badRequest } from "./failures.js";
import type { ApiParams } from "./types.js";

/** A file part of a multipart request, in the logged parameters in place of its `attach://` reference. */
export class UploadedFile {
  readonly byteLength: number;

  constructor(
    readonly filename: string,
    readonly content: Buffer,
  ) {
    this.byteLength = content.length;
  }
}

export interface MultipartPart {
  name: string;
  filename?: string;
  content: Buffer;
}

/** Enough of RFC 7578 for what HTTP clients send; grammY writes lowercase headers and unquoted filenames. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const parts: MultipartPart[] = [];
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // Treat the body as if preceded by CRLF, so every delimiter, the first included, looks the same.
  const data = Buffer.concat([Buffer.from("\r\n"), body]);
  let start = data.indexOf(delimiter);
  while (start !== -1) {
    const partStart = start + delimiter.length;
    if (data.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = data.indexOf(delimiter, partStart);
    if (next === -1) throw badRequest("can't parse multipart/form-data request");
    const part = data.subarray(partStart + 2, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw badRequest("can't parse multipart/form-data request");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? "";
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
    if (name === undefined) throw badRequest("can't parse multipart/form-data request");
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1] ?? /;\s*filename=([^;]+)/i.exec(disposition)?.[1]?.trim();
    parts.push({ name, filename, content: part.subarray(headerEnd + 4) });
    start = next;
  }
  return parts;
}

/** The fields of a multipart body as parameters, each uploaded file under the field that names it. */
export function multipartParams(body: Buffer, contentType: string): ApiParams {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundaryText = boundary?.[1] ?? boundary?.[2];
  if (boundaryText === undefined) throw badRequest("can't parse multipart/form-data request");
  const params: ApiParams = {};
  const files: MultipartPart[] = [];
  for (const part of parseMultipart(body, boundaryText)) {
    if (part.filename === undefined) params[part.name] = part.content.toString("utf8");
    else files.push(part);
  }
  for (const file of files) {
    const upload = new UploadedFile(file.filename ?? "", Buffer.from(file.content));
    // grammY names file parts randomly and points to them with `attach://<name>` from the field.
    const field = Object.keys(params).find((key) => params[key] === `attach://${file.name}`);
    params[field ?? file.name] = upload;
  }
  return params;
}
