/**
 * Decodes an 8-bit RGB or RGBA PNG (what Chromium's screenshots are) into pixels, with node:zlib only: the
 * chunks, the inflated scanlines and the five PNG row filters. Enough to tell a rendered page from a blank one.
 */
import { inflateSync } from "node:zlib";

export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

export function decodePng(png: Buffer): Pixels {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) {
        throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      }
      channels = colour === 6 ? 4 : 3;
    } else if (type === "IDAT") idat.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? (data[y * stride + x - channels] as number) : 0;
      const up = y > 0 ? (data[(y - 1) * stride + x] as number) : 0;
      const upLeft = y > 0 && x >= channels ? (data[(y - 1) * stride + x - channels] as number) : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      data[y * stride + x] = ((line[x] as number) + predictor) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** How many distinct RGB colours, and which fraction of pixels differ from the top-left one (the background). */
export function colourStats(pixels: Pixels): { colours: number; nonBackground: number } {
  const { data, channels } = pixels;
  const colours = new Set<number>();
  const background = ((data[0] as number) << 16) | ((data[1] as number) << 8) | (data[2] as number);
  let other = 0;
  const count = data.length / channels;
  for (let i = 0; i < data.length; i += channels) {
    const rgb = ((data[i] as number) << 16) | ((data[i + 1] as number) << 8) | (data[i + 2] as number);
    colours.add(rgb);
    if (rgb !== background) other++;
  }
  return { colours: colours.size, nonBackground: other / count };
}
