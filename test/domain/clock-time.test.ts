import { describe, expect, it } from "vitest";
import { parseClockTime } from "../../src/domain/clock-time.js";

describe("parseClockTime: a time of day as a person types it", () => {
  const taken: [string, number, number][] = [
    ["18:02", 18, 2],
    ["8:30", 8, 30],
    ["08:30", 8, 30],
    ["08.30", 8, 30],
    ["0830", 8, 30],
    ["830", 8, 30],
    ["1802", 18, 2],
    ["9", 9, 0],
    ["09", 9, 0],
    ["0", 0, 0],
    ["21h", 21, 0],
    ["21h30", 21, 30],
    ["21 h", 21, 0],
    ["00:00", 0, 0],
    ["23:59", 23, 59],
    [" 7:07 ", 7, 7],
    ["8:30 pm", 20, 30],
    ["8.30PM", 20, 30],
    ["9am", 9, 0],
    ["9 a.m.", 9, 0],
    ["12am", 0, 0],
    ["12 pm", 12, 0],
    ["12:45 am", 0, 45],
    ["8点", 8, 0],
    ["8点30", 8, 30],
    ["8点30分", 8, 30],
    ["１８：０２", 18, 2],
  ];
  for (const [text, hour, minute] of taken) {
    it(`takes ${JSON.stringify(text)} as ${hour}:${String(minute).padStart(2, "0")}`, () => {
      expect(parseClockTime(text)).toEqual({ hour, minute });
    });
  }

  it("takes every minute of the day, not only quarters", () => {
    for (let hour = 0; hour < 24; hour++) {
      for (let minute = 0; minute < 60; minute++) {
        const padded = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
        expect(parseClockTime(padded)).toEqual({ hour, minute });
        expect(parseClockTime(padded.replace(":", ""))).toEqual({ hour, minute });
      }
    }
  });

  const refused = [
    "",
    "  ",
    "24:00",
    "25",
    "9:60",
    "9:5",
    "1.5",
    "12345",
    "13pm",
    "0am",
    "8:30:00",
    "-1",
    "abc",
    "nine",
    "at 9",
    "9-10",
    "18:02 Europe/Paris",
    "and/or",
    "USDT",
  ];
  for (const text of refused) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(parseClockTime(text)).toBeUndefined();
    });
  }
});
