import { randomBytes } from "node:crypto";
import { badRequest } from "./failures.js";
import { imageSize } from "./images.js";
import { checkPhotoDimensions, checkUploadSize } from "./limits.js";
import { UploadedFile } from "./multipart.js";
import type { MediaKind, StoredFile } from "./types.js";

/** The files the fake has seen, by the ids it issued, so a bot can send one again by id. */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  /** An upload, a file id the fake issued, or a URL (recorded, not downloaded). */
  inputFile(kind: MediaKind, value: unknown): StoredFile {
    if (value instanceof UploadedFile) {
      checkUploadSize(kind, value.byteLength);
      const file = { kind, byteLength: value.byteLength, content: value.content, filename: value.filename };
      if (kind !== "photo") return this.register(file);
      const size = imageSize(value.content);
      if (size === undefined) throw badRequest("IMAGE_PROCESS_FAILED");
      checkPhotoDimensions(size);
      return this.register({ ...file, ...size });
    }
    if (typeof value !== "string" || value === "") throw badRequest(`there is no ${kind} in the request`);
    const known = this.files.get(value);
    if (known !== undefined) return known;
    if (/^https?:\/\/\S+$/i.test(value)) return this.register({ kind, url: value });
    throw badRequest("wrong file identifier/HTTP URL specified");
  }

  register(file: Omit<StoredFile, "fileId" | "fileUniqueId">): StoredFile {
    // Telegram's file ids are opaque base64url; the prefixes are those of real photos and documents.
    const fileId = `${file.kind === "photo" ? "AgACAgIAAxkDAAI" : "BQACAgIAAxkDAAI"}${randomBytes(24).toString("base64url")}`;
    const stored: StoredFile = { ...file, fileId, fileUniqueId: `AQAD${randomBytes(8).toString("base64url")}` };
    this.files.set(fileId, stored);
    return stored;
  }
}
