/**
 * serde_json's compact Display. Float spellings are the expected outputs of the `ryu` crate's own test suite
 * (tests/d2s_test.rs, whose `check!(x)` asserts that x prints as written) plus its formatting thresholds.
 */
import { describe, expect, it } from "vitest";
import { jsonDisplay, ryuFloat, serdeNumber } from "./json-display.js";

describe("ryuFloat", () => {
  it("prints f64s as ryu does", () => {
    const ryuSpellings = [
      "0.3",
      "1234000000000000.0",
      "1.234e16",
      "2.71828",
      "1.1e128",
      "1.1e-64",
      "2.718281828459045",
      "5e-324",
      "1.7976931348623157e308",
      "2.9802322387695312e-8",
      "-2.109808898695963e16",
      "1.2345678",
    ];
    for (const spelling of ryuSpellings) expect(ryuFloat(Number(spelling))).toBe(spelling);
    expect(ryuFloat(1)).toBe("1.0");
  });
});

describe("serdeNumber", () => {
  it("switches to exponents below 1e-5 and from 1e16 on, without a + sign", () => {
    expect(serdeNumber(0.0001)).toBe("0.0001");
    expect(serdeNumber(0.00001)).toBe("0.00001");
    expect(serdeNumber(0.000001)).toBe("1e-6");
    expect(serdeNumber(1.5e300)).toBe("1.5e300");
    expect(serdeNumber(2 ** 64)).toBe("1.8446744073709552e19");
  });

  it("prints safe integers as integers and larger ones as floats, as upstream's WASM build does", () => {
    expect(serdeNumber(10)).toBe("10");
    expect(serdeNumber(-1)).toBe("-1");
    expect(serdeNumber(-0)).toBe("0");
    expect(serdeNumber(2 ** 53 - 1)).toBe("9007199254740991");
    expect(serdeNumber(2 ** 53 + 2)).toBe("9007199254740994.0");
    expect(serdeNumber(2 ** 63)).toBe("9.223372036854776e18");
    expect(serdeNumber(1e16)).toBe("1e16");
  });
});

describe("jsonDisplay", () => {
  it("writes compact JSON with serde's escapes", () => {
    expect(jsonDisplay(null)).toBe("null");
    expect(jsonDisplay(true)).toBe("true");
    expect(jsonDisplay('a"\\\n\u0001\u2028')).toBe('"a\\"\\\\\\n\\u0001\u2028"');
    expect(jsonDisplay([1, 0.5, "x", [], {}])).toBe('[1,0.5,"x",[],{}]');
    expect(jsonDisplay({ b: 1, a: { c: [false, null] } })).toBe('{"b":1,"a":{"c":[false,null]}}');
  });
});
