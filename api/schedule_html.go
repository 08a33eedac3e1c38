package api

import (
	"bytes"
	"html/template"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/projections/conferences"
)

// scheduleFormat reads ?format= of GET /v1/events/{id}/schedule: the
// exports, and html for the printable pages.
func scheduleFormat(c echo.Context) (string, bool, error) {
	if c.QueryParam("format") == formatHTML {
		return formatHTML, true, nil
	}
	format, export, err := exportFormat(c)
	if err != nil {
		return "", false, invalid("format", "must be json, csv, xlsx or html")
	}
	return format, export, nil
}

// exportSchedule answers the schedule as a file or printable pages.
func (s *Server) exportSchedule(c echo.Context, format string, ev conferences.Event, v scheduleView) error {
	if format == formatHTML {
		return scheduleHTML(c, ev, v.Meetings)
	}
	return exportFile(c, "schedule-"+ev.ID.String(), format, scheduleSheets(v, ev.StartsAt.Location()))
}

// deskPage is one printed A4 page: the meetings of one table (or booth) on
// one day, in time order.
type deskPage struct {
	Day, Place string
	Meetings   []conferences.Meeting
}

// deskLabels are the printed page's words.
type deskLabels struct {
	Lang, Title, Day, Table, Booth, Time, Supplier, Buyer, Score, Notes, Empty string
}

var deskWords = map[bool]deskLabels{
	true: {Lang: "vi", Title: "Lịch gặp", Day: "Ngày", Table: "Bàn", Booth: "Gian hàng", Time: "Giờ", Supplier: "Bên cung ứng",
		Buyer: "Bên mua", Score: "Điểm", Notes: "Ghi chú", Empty: "Chưa có cuộc gặp nào được công bố."},
	false: {Lang: "en", Title: "Meeting schedule", Day: "Day", Table: "Table", Booth: "Booth", Time: "Time", Supplier: "Supplier",
		Buyer: "Buyer", Score: "Score", Notes: "Notes", Empty: "No meeting has been published yet."},
}

var deskTemplate = template.Must(template.New("desk").Parse(`<!DOCTYPE html>
<html lang="{{.L.Lang}}"><head><meta charset="utf-8"><title>{{.L.Title}} · {{.Event.Name}}</title>
<style>
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 11pt; color: #111; }
section { page-break-after: always; break-after: page; }
section:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 0 0 4mm; font-weight: normal; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #888; padding: 2mm; text-align: left; vertical-align: top; }
th { background: #DDEBF7; } td.time { white-space: nowrap; width: 24mm; } td.notes { width: 40mm; }
</style></head><body>
{{- range .Pages}}
<section><h1>{{$.L.Title}} · {{$.Event.Name}}</h1>
<h2>{{$.Event.Venue}} · {{$.L.Day}} {{.Day}} · {{.Place}}</h2>
<table><thead><tr><th>{{$.L.Time}}</th><th>{{$.L.Supplier}}</th><th>{{$.L.Buyer}}</th><th>{{$.L.Score}}</th><th>{{$.L.Notes}}</th></tr></thead><tbody>
{{- range .Meetings}}
<tr><td class="time">{{.StartsAt.Format "15:04"}}–{{.EndsAt.Format "15:04"}}</td><td>{{.SupplierName}}</td><td>{{.BuyerName}}</td><td>{{.Score}}</td><td class="notes"></td></tr>
{{- end}}
</tbody></table></section>
{{- else}}
<section><h1>{{.L.Title}} · {{.Event.Name}}</h1><p>{{.L.Empty}}</p></section>
{{- end}}
</body></html>
`))

// scheduleHTML renders the published meetings (in the venue's time) as
// printable A4 pages, one per day and table (booth at a fair).
func scheduleHTML(c echo.Context, ev conferences.Event, meetings []conferences.Meeting) error {
	vi := c.Request().Header.Get("Accept-Language") == "" || vietnamese(c)
	l := deskWords[vi]
	byPage := map[[2]string]*deskPage{}
	var pages []*deskPage
	for _, m := range meetings {
		place := m.Booth
		if m.Table > 0 {
			place = l.Table + " " + strconv.Itoa(m.Table)
		} else if place != "" {
			place = l.Booth + " " + place
		}
		key := [2]string{m.StartsAt.Format("2006-01-02"), place}
		p := byPage[key]
		if p == nil {
			p = &deskPage{Day: m.StartsAt.Format("02/01/2006"), Place: place}
			byPage[key] = p
			pages = append(pages, p)
		}
		p.Meetings = append(p.Meetings, m)
	}
	sort.SliceStable(pages, func(i, j int) bool {
		a, b := pages[i].Meetings[0], pages[j].Meetings[0]
		if !sameDay(a, b) {
			return a.StartsAt.Before(b.StartsAt)
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return pages[i].Place < pages[j].Place
	})
	for _, p := range pages {
		sort.SliceStable(p.Meetings, func(i, j int) bool { return p.Meetings[i].StartsAt.Before(p.Meetings[j].StartsAt) })
	}
	var buf bytes.Buffer
	if err := deskTemplate.Execute(&buf, map[string]any{"L": l, "Event": ev, "Pages": pages}); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Security-Policy", reportCSP)
	c.Response().Header().Set("Content-Language", l.Lang)
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

func sameDay(a, b conferences.Meeting) bool {
	return a.StartsAt.Format("2006-01-02") == b.StartsAt.Format("2006-01-02")
}
