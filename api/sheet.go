package api

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
)

// Limits on an imported file. They bound memory and time whatever the
// file holds: a 20 MiB upload, a workbook that expands to at most 256 MiB
// (a zip bomb declares more and is refused before anything is inflated),
// 50,000 data rows and 200 columns.
const (
	maxImportFile     = 20 << 20
	maxImportUnzipped = 256 << 20
	maxImportXML      = 64 << 20
	maxImportRows     = 50_000
	maxImportColumns  = 200
	// maxTitleRows is how far down the header row is looked for, below a
	// title block.
	maxTitleRows = 30
)

// Media types of the files an import accepts.
const (
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeCSV  = "text/csv"
)

// errFileTooLarge is an upload over maxImportFile (413).
var errFileTooLarge = errors.New("the file exceeds 20 MiB")

// sheetRow is one data row of an imported table: its row number as the
// spreadsheet shows it (1-based, title and header rows counted) and its
// cells by column key.
type sheetRow struct {
	Line  int
	Cells map[string]string
}

// table is an imported table: the header text of each recognised column
// (for error messages) and the data rows, blank rows left out.
type table struct {
	Headers map[string]string
	Rows    []sheetRow
}

// fileProblem is a file that cannot be read as a table at all: a 400 naming
// the "file".
func fileProblem(format string, args ...any) error {
	return invalid("file", "%s", fmt.Sprintf(format, args...))
}

// headerKey folds a header as people type it ("Mã số thuế", "Tax code",
// "tax_code") into the form the aliases are written in ("ma so thue",
// "tax code"): no case, no diacritics, words split on anything else.
func headerKey(s string) string {
	s = matching.Fold(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// columnSet is a kind's columns: aliases (in headerKey form) by column key,
// and the keys a header row must hold.
type columnSet struct {
	aliases  map[string]string
	required []string
	// anyOf: a header row must hold at least one of these, when set.
	anyOf []string
}

// newColumnSet builds a columnSet from column key -> aliases; every key is
// its own alias too.
func newColumnSet(required []string, cols map[string][]string) columnSet {
	cs := columnSet{aliases: map[string]string{}, required: required}
	for key, names := range cols {
		cs.aliases[headerKey(key)] = key
		for _, n := range names {
			cs.aliases[headerKey(n)] = key
		}
	}
	return cs
}

// findTable picks, among rows (the first maxTitleRows looked at), the
// header row: the first that names every required column. Rows above it
// (a title block) are ignored; cells of unknown columns too.
func (cs columnSet) findTable(rows [][]string, firstLine int) (table, error) {
	for i, r := range rows {
		if i >= maxTitleRows {
			break
		}
		cols := map[int]string{}
		headers := map[string]string{}
		for j, h := range r {
			key, ok := cs.aliases[headerKey(h)]
			if !ok {
				continue
			}
			if _, dup := headers[key]; dup {
				return table{}, fileProblem("row %d: column %q appears twice", firstLine+i, strings.TrimSpace(h))
			}
			cols[j] = key
			headers[key] = strings.TrimSpace(h)
		}
		if !cs.complete(headers) {
			continue
		}
		t := table{Headers: headers}
		for k, data := range rows[i+1:] {
			row := sheetRow{Line: firstLine + i + 1 + k, Cells: map[string]string{}}
			for j, v := range data {
				if key, ok := cols[j]; ok {
					if v = strings.TrimSpace(v); v != "" {
						row.Cells[key] = v
					}
				}
			}
			if len(row.Cells) > 0 {
				t.Rows = append(t.Rows, row)
			}
		}
		if len(t.Rows) > maxImportRows {
			return table{}, fileProblem("has %d rows; at most %d may be imported at once", len(t.Rows), maxImportRows)
		}
		return t, nil
	}
	need := strings.Join(cs.required, ", ")
	if len(cs.anyOf) > 0 {
		need = "one of " + strings.Join(cs.anyOf, ", ")
	}
	return table{}, fileProblem("no header row naming the columns %s in the first %d rows", need, maxTitleRows)
}

func (cs columnSet) complete(headers map[string]string) bool {
	for _, k := range cs.required {
		if _, ok := headers[k]; !ok {
			return false
		}
	}
	for _, k := range cs.anyOf {
		if _, ok := headers[k]; ok {
			return true
		}
	}
	return len(cs.anyOf) == 0 && len(headers) > 0
}

// readTable reads an uploaded file of the given kind (mimeXLSX or mimeCSV)
// into a table. Anything that is not such a file, or breaks a limit, is a
// 400 naming the file; nothing is ever evaluated (formula cells give their
// cached values).
func readTable(data []byte, media string, cs columnSet) (table, error) {
	if media == mimeXLSX {
		return readXLSX(data, cs)
	}
	return readCSV(data, cs)
}

// rowCap is how many rows a file may have, title block and header
// included.
const rowCap = maxImportRows + maxTitleRows + 1

func readCSV(data []byte, cs columnSet) (table, error) {
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	if !utf8.Valid(data) {
		return table{}, fileProblem("is not a UTF-8 CSV file (save it as \"CSV UTF-8\")")
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return table{}, fileProblem("is not a CSV file (it holds NUL bytes)")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = csvSeparator(data)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return table{}, fileProblem("is not valid CSV at line %d", pe.Line)
			}
			return table{}, fileProblem("is not valid CSV")
		}
		if len(rec) > maxImportColumns {
			return table{}, fileProblem("line %d has %d columns; at most %d are read", len(rows)+1, len(rec), maxImportColumns)
		}
		rows = append(rows, rec)
		if len(rows) > rowCap {
			return table{}, fileProblem("has more than %d rows; at most %d may be imported at once", maxImportRows, maxImportRows)
		}
	}
	return cs.findTable(rows, 1)
}

// csvSeparator guesses the separator from the first lines: Excel saves CSV
// with a semicolon where the locale's decimal mark is a comma. The line
// with the most separators decides, so that a title typed above the header
// row without any does not.
func csvSeparator(data []byte) rune {
	semi, comma := 0, 0
	for i, rest := 0, data; i < maxTitleRows+1 && len(rest) > 0; i++ {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		semi, comma = max(semi, bytes.Count(line, []byte(";"))), max(comma, bytes.Count(line, []byte(",")))
	}
	if semi > comma {
		return ';'
	}
	return ','
}

func readXLSX(data []byte, cs columnSet) (t table, err error) {
	// The workbook parser meets hostile files here; whatever it does with
	// one, the answer is a 400, never a 500.
	defer func() {
		if recover() != nil {
			t, err = table{}, fileProblem("is not a readable .xlsx workbook")
		}
	}()
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return table{}, fileProblem("is not an .xlsx workbook")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: maxImportUnzipped, UnzipXMLSizeLimit: maxImportXML, RawCellValue: true})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		if strings.Contains(err.Error(), "unzip size") {
			return table{}, fileProblem("expands to more than %d MiB", maxImportUnzipped>>20)
		}
		return table{}, fileProblem("is not a readable .xlsx workbook")
	}
	defer func() { _ = f.Close() }()
	var firstErr error
	for _, name := range f.GetSheetList() {
		t, merged, err := readWorksheet(f, name, cs)
		if err == nil && merged != "" {
			return table{}, fileProblem("sheet %q has merged cells (%s) below its title; unmerge them", name, merged)
		}
		if err == nil {
			return t, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fileProblem("has no worksheet")
	}
	return table{}, firstErr
}

// readWorksheet reads one worksheet; merged names a merged range at or
// below the header row (merges in the title block are fine).
func readWorksheet(f *excelize.File, sheet string, cs columnSet) (t table, merged string, err error) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return table{}, "", fileProblem("sheet %q cannot be read", sheet)
	}
	defer func() { _ = rows.Close() }()
	var cells [][]string
	for rows.Next() {
		if len(cells) >= rowCap {
			return table{}, "", fileProblem("has more than %d rows; at most %d may be imported at once", maxImportRows, maxImportRows)
		}
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return table{}, "", fileProblem("sheet %q row %d cannot be read", sheet, len(cells)+1)
		}
		if len(cols) > maxImportColumns {
			cols = cols[:maxImportColumns]
		}
		cells = append(cells, cols)
	}
	if rows.Error() != nil {
		return table{}, "", fileProblem("sheet %q cannot be read", sheet)
	}
	t, err = cs.findTable(cells, 1)
	if err != nil {
		return table{}, "", err
	}
	header := 1
	if len(t.Rows) > 0 {
		header = t.Rows[0].Line - 1
	}
	mcs, err := f.GetMergeCells(sheet, true)
	if err != nil {
		return table{}, "", fileProblem("sheet %q cannot be read", sheet)
	}
	for _, m := range mcs {
		_, endRow, err := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err == nil && endRow >= header {
			return t, m.GetStartAxis() + ":" + m.GetEndAxis(), nil
		}
	}
	return t, "", nil
}

// cellInt parses a whole number as a spreadsheet holds it ("12", "12.0",
// "1,200").
func cellInt(s string) (int, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int(f)) || f > 1e12 || f < -1e12 {
		return 0, false
	}
	return int(f), true
}

// cellNumber parses a number ("1200", "1,200.5").
func cellNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), 64)
	return f, err == nil
}

// cellDate reads a date written as YYYY-MM-DD, DD/MM/YYYY (Vietnamese
// order) or stored as an Excel serial number.
func cellDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if _, err := domain.ParseDate(s); err == nil {
		return s, true
	}
	var d, m, y int
	if n, _ := fmt.Sscanf(s, "%d/%d/%d", &d, &m, &y); n == 3 && len(s) <= 10 {
		out := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		if _, err := domain.ParseDate(out); err == nil {
			return out, true
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 2958466 {
		t, err := excelize.ExcelDateToTime(f, false)
		if err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// cellList splits a list cell on commas, semicolons or new lines.
func cellList(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
