/**
 * Card files as other tools write them, built here byte by byte (not with the
 * code under test): a SillyTavern-style PNG with both `chara` and `ccv3` chunks,
 * and CHARX zips.
 */
import { crc32, deflateRawSync, deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

export const textChunk = (keyword: string, text: string): Buffer => pngChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));

/** A small RGB image of one colour; `extra` chunks go before IEND. */
export function image(rgb: [number, number, number], size = 8, extra: Buffer[] = []): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', pixels), ...extra, pngChunk('IEND', Buffer.alloc(0))]);
}

const b64 = (json: string) => Buffer.from(json, 'utf8').toString('base64');

/** A card's JSON text with its spec changed, everything else as written (text, not re-serialised). */
export const withSpec = (json: string, spec: 'chara_card_v2' | 'chara_card_v3', version: string): string =>
  json.replace(/"spec":"[^"]*","spec_version":"[^"]*"/, `"spec":"${spec}","spec_version":"${version}"`);

/** As SillyTavern writes a card: `chara` (V2) then `ccv3` (V3), before IEND. */
export function sillyTavernPng(cardJson: string, rgb: [number, number, number] = [200, 120, 40]): Buffer {
  return image(rgb, 16, [textChunk('chara', b64(withSpec(cardJson, 'chara_card_v2', '2.0'))), textChunk('ccv3', b64(withSpec(cardJson, 'chara_card_v3', '3.0')))]);
}

/** The tEXt chunks of a PNG, keyword → text (read here, not with the code under test). */
export function textChunks(png: Buffer): Map<string, string> {
  const found = new Map<string, string>();
  for (let at = 8; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'tEXt') {
      const data = png.subarray(at + 8, at + 8 + length);
      const nul = data.indexOf(0);
      found.set(data.toString('latin1', 0, nul), data.toString('latin1', nul + 1));
    }
    at += 12 + length;
  }
  return found;
}

export const cardOfChunk = (png: Buffer, keyword: string): unknown => JSON.parse(Buffer.from(textChunks(png).get(keyword)!, 'base64').toString('utf8'));

/** A zip of the given files (deflated unless `stored`), as a CHARX is. */
export function zip(files: { name: string; data: Buffer; stored?: boolean; claimedSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const packed = file.stored ? file.data : deflateRawSync(file.data);
    const name = Buffer.from(file.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(file.stored ? 0 : 8, 8);
    local.writeUInt32LE(crc32(file.data) >>> 0, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(file.claimedSize ?? file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(file.stored ? 0 : 8, 10);
    central.writeUInt32LE(crc32(file.data) >>> 0, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(file.claimedSize ?? file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * A V3 card as a community tool writes it, as JSON text: numbers written `1.0`,
 * unicode and escapes, nested extensions in no particular order, a lorebook with
 * fields of its own, alternate greetings (one long, one padded with spaces), and
 * the V1 fields SillyTavern repeats at the top level.
 */
export function stCardJson(icon: Buffer): string {
  const longGreeting = `*She hums.* ${'The glade is quiet tonight. '.repeat(60)}`.trim();
  return `{"name":"Seraphina","description":"{{char}} guards the forest.","personality":"kind","scenario":"A glade.","first_mes":"Oh! You're awake.","mes_example":"<START>\\n{{user}}: Hi\\n{{char}}: Hello.","creatorcomment":"legacy","avatar":"none","chat":"Seraphina - 2024-1-1","talkativeness":"0.5","fav":false,"tags":["fantasy"],"spec":"chara_card_v3","spec_version":"3.0","data":{"name":"Seraphina","description":"{{char}} is a gentle guardian of the forest. Ünïcødé ✨ 日本語 \\u2028 \\"quoted\\"","personality":"kind, protective","scenario":"You wake up in her glade.","first_mes":"*Seraphina smiles.* Oh! You're awake, {{user}}.","mes_example":"<START>\\n{{user}}: Who are you?\\n{{char}}: I guard this forest.","creator_notes":"Made with care.","system_prompt":"","post_history_instructions":"Stay in character.","tags":["fantasy","forest"],"creator":"someone","character_version":"1.0","alternate_greetings":["  *A bird lands on her shoulder.* Good morning.  ","${longGreeting}"],"extensions":{"zeta":1.0,"talkativeness":"0.5","fav":false,"world":"Seraphina's Lore","depth_prompt":{"role":"system","prompt":"Ünïcødé 🦊","depth":4},"chub":{"id":1234,"full_path":"someone/seraphina","related_lorebooks":[],"extensions":{"b":2,"a":[1.50,2.0,{"z":null,"y":true}]}},"regex_scripts":[],"big":12345678901234567890,"tiny":1e-7,"10":"a numeric key","0":"another"},"character_book":{"name":"Seraphina's Lore","description":"","scan_depth":50,"token_budget":500,"recursive_scanning":false,"extensions":{"risu_fullWordMatching":false},"entries":[{"id":0,"keys":["glade","forest"],"secondary_keys":[],"comment":"The glade","content":"The glade is hidden from evil.","constant":false,"selective":true,"insertion_order":100,"enabled":true,"position":"before_char","use_regex":false,"extensions":{"position":0,"exclude_recursion":false,"display_index":0,"probability":100.0,"useProbability":true,"depth":4,"selectiveLogic":0,"group":"","match_whole_words":null}},{"id":1,"keys":["/shadow(s)?/i"],"content":"Shadows are the corruption.","extensions":{},"enabled":true,"insertion_order":90,"use_regex":true,"priority":5,"name":"Shadows","unknown_field":{"kept":"as is"}}]},"nickname":"Sera","creator_notes_multilingual":{"en":"Made with care.","ja":"丁寧に作りました。"},"source":["https://example.org/seraphina"],"group_only_greetings":["*She waves at everyone.*"],"creation_date":1700000000,"modification_date":1700000500.0,"assets":[{"type":"icon","uri":"data:image/png;base64,${icon.toString('base64')}","name":"main","ext":"png"},{"type":"background","uri":"https://example.org/glade.png","name":"glade","ext":"png"}]}}`;
}
