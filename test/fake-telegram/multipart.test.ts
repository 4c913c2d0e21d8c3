import { describe, expect, it } from "vitest";
import { multipartParams, parseMultipart, UploadedFile } from "../support/fake-telegram/multipart.js";
import { failureOf } from "./failure.js";

const BOUNDARY = "grammyBoundary42";
const UNPARSABLE = { code: 400, description: "Bad Request: can't parse multipart/form-data request" };

/** A body as grammY writes it: lowercase headers, no space after the colons, the file name unquoted. */
function grammyBody(fields: Record<string, string>, file: { id: string; filename: string; content: Buffer }): Buffer {
  const parts = Object.entries(fields).map(([name, value]) =>
    Buffer.from(`--${BOUNDARY}\r\ncontent-disposition:form-data;name="${name}"\r\n\r\n${value}\r\n`),
  );
  const fileHead = `--${BOUNDARY}\r\ncontent-disposition:form-data;name="${file.id}";filename=${file.filename}\r\ncontent-type:application/octet-stream\r\n\r\n`;
  return Buffer.concat([...parts, Buffer.from(fileHead), file.content, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
}

describe("multipart bodies", () => {
  it("puts an uploaded file under the field that points to it with attach://, its bytes exact", () => {
    // Bytes that look like a delimiter's start must not end the part.
    const content = Buffer.from("ts,interest\r\n--not-the-boundary\r\n1,0.1\r\n");
    const body = grammyBody({ chat_id: "42", document: "attach://x7f3" }, { id: "x7f3", filename: "interest.csv", content });
    const params = multipartParams(body, `multipart/form-data; boundary=${BOUNDARY}`);
    expect(Object.keys(params).sort()).toEqual(["chat_id", "document"]);
    // Fields stay strings here: decoding them by type comes after.
    expect(params.chat_id).toBe("42");
    const upload = params.document;
    expect(upload).toBeInstanceOf(UploadedFile);
    expect(upload).toMatchObject({ filename: "interest.csv", byteLength: content.length });
    expect((upload as UploadedFile).content.equals(content)).toBe(true);
  });

  it("reads what fetch's FormData writes: quoted names, capitalised headers, a file no field points to kept under its own name", async () => {
    const form = new FormData();
    form.append("caption", "Interest per day");
    form.append("photo", new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47])]), "chart one.png");
    const request = new Request("http://127.0.0.1/", { method: "POST", body: form });
    const body = Buffer.from(await request.arrayBuffer());
    const params = multipartParams(body, request.headers.get("content-type") ?? "");
    expect(params.caption).toBe("Interest per day");
    expect(params.photo).toMatchObject({ filename: "chart one.png", byteLength: 4 });
  });

  it("takes a quoted boundary and an unquoted field name", () => {
    const body = Buffer.from(`--b\r\nContent-Disposition: form-data; name=text\r\n\r\nhello\r\n--b--\r\n`);
    expect(multipartParams(body, 'multipart/form-data; boundary="b"')).toEqual({ text: "hello" });
  });

  it("splits a body into its parts, stopping at the closing delimiter", () => {
    const body = Buffer.from(
      `--b\r\ncontent-disposition:form-data;name="a"\r\n\r\n1\r\n--b\r\ncontent-disposition:form-data;name="f";filename=""\r\n\r\n\r\n--b--\r\nepilogue`,
    );
    expect(parseMultipart(body, "b").map((part) => ({ ...part, content: part.content.toString() }))).toEqual([
      { name: "a", filename: undefined, content: "1" },
      { name: "f", filename: "", content: "" },
    ]);
  });

  it("refuses a body it cannot read: no boundary, a part never closed, no headers, no name", () => {
    expect(failureOf(() => multipartParams(Buffer.from("x"), "multipart/form-data"))).toEqual(UNPARSABLE);
    const parse = (body: string) => failureOf(() => multipartParams(Buffer.from(body), "multipart/form-data; boundary=b"));
    expect(parse(`--b\r\ncontent-disposition:form-data;name="a"\r\n\r\n1`)).toEqual(UNPARSABLE);
    expect(parse(`--b\r\ncontent-disposition:form-data;name="a"\r\n1\r\n--b--`)).toEqual(UNPARSABLE);
    expect(parse(`--b\r\ncontent-disposition:form-data\r\n\r\n1\r\n--b--`)).toEqual(UNPARSABLE);
  });
});
