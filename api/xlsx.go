package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/xuri/excelize/v2"

	"github.com/keylink/keylink/domain"
)

// Export formats beside JSON.
const (
	formatXLSX = "xlsx"
)

// sheet is one table of an export: a worksheet of a workbook, or one CSV
// file (?format=csv&section=Name).
type sheet struct {
	// Name is the section's code, for ?section= and file names.
	Name string
	// Title names the worksheet, per language (at most 31 characters).
	Title   label
	Columns []column
	Rows    [][]any
}

// label is a text in English and Vietnamese.
type label struct{ EN, VI string }

// column is a column of a sheet. Its English header is its key (the
// contract's field name), its Vietnamese one the words the organisers' own
// files use; both are read back by POST /v1/imports.
type column struct {
	Key string
	VI  string
}

// dateOnly is a calendar date cell (a date, not a time).
type dateOnly struct{ time.Time }

// localTime is a date-time cell shown in the venue's time.
type localTime struct {
	time.Time
	loc *time.Location
}

// vietnamese reports whether the caller's Accept-Language prefers
// Vietnamese over English.
func vietnamese(c echo.Context) bool {
	for _, part := range strings.Split(c.Request().Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(tag)
		switch {
		case tag == "vi" || strings.HasPrefix(tag, "vi-"):
			return true
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return false
		}
	}
	return false
}

func (l label) in(vi bool) string {
	if vi && l.VI != "" {
		return l.VI
	}
	return l.EN
}

func (col column) header(vi bool) string {
	if vi && col.VI != "" {
		return col.VI
	}
	return col.Key
}

// formulaStarts are the characters with which a spreadsheet would read a
// text as a formula, their full-width forms included.
const formulaStarts = "=+-@\t\r＝＋－＠"

// formulaLike reports whether text starts with a formula character.
func formulaLike(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && strings.ContainsRune(formulaStarts, r)
}

// exportFile answers a table export: ?format=xlsx gives every sheet in
// one workbook, ?format=csv&section=NAME one sheet as CSV (UTF-8 with a
// byte order mark, CRLF, as Excel expects). base names the downloaded
// file. An unknown section is a 400 listing the known ones.
func exportFile(c echo.Context, base, format string, sheets []sheet) error {
	vi := vietnamese(c)
	if vi {
		c.Response().Header().Set("Content-Language", "vi")
	} else {
		c.Response().Header().Set("Content-Language", "en")
	}
	switch format {
	case formatXLSX:
		data, err := workbook(sheets, vi)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+base+`.xlsx"`)
		return c.Blob(http.StatusOK, mimeXLSX, data)
	case formatCSV:
		sh, err := section(c, sheets)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `attachment; filename="`+base+"-"+sh.Name+`.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", sheetCSV(sh, vi))
	}
	return invalid("format", "must be json, csv or xlsx")
}

// section picks ?section=NAME; without it the first sheet.
func section(c echo.Context, sheets []sheet) (sheet, error) {
	name := c.QueryParam("section")
	if name == "" {
		return sheets[0], nil
	}
	names := make([]string, len(sheets))
	for i, sh := range sheets {
		if sh.Name == name {
			return sh, nil
		}
		names[i] = sh.Name
	}
	return sheet{}, invalid("section", "must be one of %s", strings.Join(names, ", "))
}

// sheetCSV renders one sheet as CSV. Text a spreadsheet would evaluate
// gets an apostrophe in front, which Excel shows as text.
func sheetCSV(sh sheet, vi bool) []byte {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	header := make([]string, len(sh.Columns))
	for i, col := range sh.Columns {
		header[i] = col.header(vi)
	}
	_ = w.Write(header)
	rec := make([]string, len(sh.Columns))
	for _, row := range sh.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvValue(row[i])
			}
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if formulaLike(x) {
			return "'" + x
		}
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case dateOnly:
		return x.Format("2006-01-02")
	case localTime:
		return x.In(x.loc).Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// workbook renders sheets as an .xlsx workbook: per sheet a bold header
// frozen above the rows, typed cells (numbers as numbers, dates and times
// as dates with a date format), every text stored as a string cell (never
// a formula, whatever it starts with) and columns wide enough for their
// Vietnamese text. Rows are streamed, so large directories stay cheap.
func workbook(sheets []sheet, vi bool) ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	dateFmt, timeFmt := "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	timeStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &timeFmt})
	if err != nil {
		return nil, err
	}
	for i, sh := range sheets {
		name := sheetName(sh.Title.in(vi))
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return nil, err
		}
		if err := writeSheet(f, name, sh, vi, bold, dateStyle, timeStyle); err != nil {
			return nil, err
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeSheet(f *excelize.File, name string, sh sheet, vi bool, bold, dateStyle, timeStyle int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range columnWidths(sh, vi) {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(sh.Columns))
	for i, col := range sh.Columns {
		header[i] = excelize.Cell{StyleID: bold, Value: col.header(vi)}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, row := range sh.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = xlsxValue(v, dateStyle, timeStyle)
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// xlsxValue is v as a stream writer cell. Times are written as their
// wall-clock reading (Excel has no zones).
func xlsxValue(v any, dateStyle, timeStyle int) any {
	switch x := v.(type) {
	case dateOnly:
		return excelize.Cell{StyleID: dateStyle, Value: wall(x.Time)}
	case localTime:
		return excelize.Cell{StyleID: timeStyle, Value: wall(x.In(x.loc))}
	case string:
		// The stream writer stores strings as text cells: "=1+1" stays
		// text, never a formula.
		return x
	}
	return v
}

// wall is t's clock reading as a UTC time.
func wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// columnWidths fits each column to its longest text (in characters, so
// Vietnamese letters with two diacritics count once), between 8 and 60.
func columnWidths(sh sheet, vi bool) []float64 {
	out := make([]float64, len(sh.Columns))
	for i, col := range sh.Columns {
		n := utf8.RuneCountInString(col.header(vi)) + 2 // bold
		for _, row := range sh.Rows {
			if i < len(row) {
				var w int
				switch x := row[i].(type) {
				case dateOnly:
					w = 10
				case localTime:
					w = 16
				default:
					w = utf8.RuneCountInString(csvValue(x))
				}
				n = max(n, w)
			}
		}
		out[i] = min(max(float64(n)*1.15+2, 8), 60)
	}
	return out
}

// sheetName makes a valid worksheet name: at most 31 characters, none of
// : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return s
}

// dateCell is a domain date as a date cell, nil when absent.
func dateCell(d *domain.Date) any {
	if d == nil {
		return nil
	}
	return dateOnly{d.Time}
}
