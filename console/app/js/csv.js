// CSV (RFC 4180): parse and write. Pure functions, no DOM, so the tests can import them too.

/**
 * Parse CSV text into rows of cells. Commas separate cells; a cell in double quotes may hold
 * commas, line breaks and doubled quotes (""); lines end with CRLF or LF. A byte-order mark at
 * the start is dropped, and so is a last empty line. Each row is an array of strings with
 * `row.line`: the line of the file where the row starts (1-based), for messages.
 * Throws an Error naming the line on a quote left open or a quote inside an unquoted cell.
 */
export function parseCsv(text) {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows = [];
  let row = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  let quoted = false; // inside "..."
  let wasQuoted = false; // the current cell was quoted (only a separator may follow)
  const endCell = () => { row.push(cell); cell = ''; wasQuoted = false; };
  const endRow = () => { endCell(); row.line = rowLine; rows.push(row); row = []; rowLine = line; };
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') { cell += '"'; i += 2; continue; }
        quoted = false; wasQuoted = true; i += 1; continue;
      }
      if (c === '\n') line += 1;
      cell += c; i += 1; continue;
    }
    if (c === ',') { endCell(); i += 1; continue; }
    if (c === '\r' || c === '\n') {
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line += 1;
      endRow();
      continue;
    }
    if (wasQuoted) throw new Error(`Line ${line}: only a comma or a line break may follow a closing quote.`);
    if (c === '"') {
      if (cell !== '') throw new Error(`Line ${line}: a quote inside an unquoted cell (write the cell in quotes and double the quote).`);
      quoted = true; i += 1; continue;
    }
    cell += c; i += 1;
  }
  if (quoted) throw new Error(`Line ${rowLine}: a quoted cell is never closed.`);
  if (cell !== '' || row.length || wasQuoted) endRow();
  return rows;
}

/** One cell: quoted when it holds a comma, a quote, a line break or surrounding spaces. */
export function csvCell(value) {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line of the file, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells) {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/**
 * Text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) is written with a
 * leading apostrophe; `fromSafeText` removes it again on import.
 */
export function safeText(value) {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function fromSafeText(s) {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}
