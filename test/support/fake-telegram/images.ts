import type { StoredFile } from "./types.js";

/** Telegram keeps a photo at these longest sides, never larger than the original. */
const PHOTO_SIDES = [90, 320, 800, 1280];

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame; undefined for anything else. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString("latin1", 12, 16) === "IHDR") {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes.readUInt16BE(0) !== 0xffd8) return undefined;
  for (let offset = 2; offset + 9 < bytes.length;) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    // SOF0–SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
    }
    offset += 2 + bytes.readUInt16BE(offset + 2);
  }
  return undefined;
}

/** The sizes Telegram makes of a photo: the original scaled to each standard longest side below it, and the original. */
export function photoSizes(file: StoredFile): { file_id: string; file_unique_id: string; width: number; height: number; file_size?: number }[] {
  if (file.width === undefined || file.height === undefined) {
    return [{ file_id: file.fileId, file_unique_id: file.fileUniqueId, width: 320, height: 320, file_size: file.byteLength }];
  }
  const { width, height } = file;
  const longest = Math.max(width, height);
  const largest = Math.min(longest, PHOTO_SIDES[PHOTO_SIDES.length - 1]!);
  const sides = [...PHOTO_SIDES.filter((side) => side < largest), largest];
  return sides.map((side, index) => ({
    file_id: index === sides.length - 1 ? file.fileId : `${file.fileId}_${side}`,
    file_unique_id: `${file.fileUniqueId}${index}`,
    width: Math.round((width * side) / longest),
    height: Math.round((height * side) / longest),
    ...(index === sides.length - 1 ? { file_size: file.byteLength } : {}),
  }));
}
