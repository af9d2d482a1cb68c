/** A transcript as a site owner downloads it: JSON as the API answers it, or CSV for a spreadsheet. */
interface Summary {
  id: string;
  character: string;
  visitorId: string;
  userId: string | null;
}
interface Transcript {
  messages: readonly { seq: number; sender_type: string; sender_name?: string; content: string; created_at: string }[];
}

export function transcriptJson(summary: Summary, transcript: Transcript): string {
  return JSON.stringify({ conversation: summary, messages: transcript.messages }, null, 2);
}

/** RFC 4180: every field quoted, quotes doubled; a leading =, +, -, @, tab or CR (or their full-width forms) made inert for spreadsheets. */
const field = (value: string | number) => `"${String(value).replace(/^[=+\-@\t\r＝＋－＠]/, "'$&").replaceAll('"', '""')}"`;

export function transcriptCsv(summary: Summary, transcript: Transcript): string {
  // sender_name last: a person's name on their messages (live takeover), added after the columns sheets already read.
  const rows = [
    ['conversation', 'seq', 'sender', 'created_at', 'content', 'sender_name'],
    ...transcript.messages.map((m) => [summary.id, m.seq, m.sender_type, m.created_at, m.content, m.sender_name ?? '']),
  ];
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
