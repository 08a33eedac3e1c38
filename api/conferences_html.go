package api

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/projections/conferences"
)

// reportCSP forbids the report page every fetch: styles and charts are
// inline, so nothing leaves the organiser's browser when it is opened,
// saved or printed.
const reportCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Chart colours, one per series; the screenshot test looks for them.
const (
	colourMatches   = "#9ecae1"
	colourScheduled = "#3182bd"
	colourHeld      = "#31a354"
	colourFunnel    = "#e6550d"
)

// funnelColours shade the funnel's stages from light to dark.
var funnelColours = []string{"#fdae6b", "#fd8d3c", colourFunnel, "#a63603"}

// chart is an SVG drawing computed server-side: shapes in user units.
type chart struct {
	ID, Title     string
	Width, Height float64
	Lines         []svgLine
	Rects         []svgRect
	Texts         []svgText
}

type svgLine struct{ X1, Y1, X2, Y2 float64 }

type svgRect struct {
	X, Y, W, H float64
	Fill       string
	Tip        string
}

type svgText struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
	Class  string
}

// r1 rounds to a tenth of a unit, enough for a drawing and short to print.
func r1(v float64) float64 { return math.Round(v*10) / 10 }

func (c *chart) rect(x, y, w, h float64, fill, tip string) {
	c.Rects = append(c.Rects, svgRect{r1(x), r1(y), r1(w), r1(h), fill, tip})
}

func (c *chart) text(x, y float64, s, anchor, class string) {
	c.Texts = append(c.Texts, svgText{r1(x), r1(y), s, anchor, class})
}

func (c *chart) legend(x, y float64, items ...[2]string) {
	for _, it := range items {
		c.rect(x, y-10, 12, 12, it[1], it[0])
		c.text(x+16, y, it[0], "start", "legend")
		x += 30 + 8*float64(utf8.RuneCountInString(it[0]))
	}
}

// industryChart draws matches, scheduled and held meetings per industry
// group as grouped horizontal bars.
func industryChart(gs []conferences.GroupTotals, l messages.Lang) chart {
	const (
		labelW, plotW, barH, rowH, top = 250.0, 660.0, 14.0, 54.0, 36.0
	)
	c := chart{ID: "chart-industry", Title: l.T("chart.industry"), Width: 1000}
	c.Height = top + rowH*float64(len(gs)) + 8
	c.legend(labelW, 16, [2]string{l.T("chart.matches"), colourMatches}, [2]string{l.T("chart.scheduled"), colourScheduled},
		[2]string{l.T("chart.held"), colourHeld})
	peak := 0
	for _, g := range gs {
		peak = max(peak, g.Matches, g.Scheduled, g.Held)
	}
	scale := 0.0
	if peak > 0 {
		scale = plotW / float64(peak)
	}
	c.Lines = append(c.Lines, svgLine{labelW, top - 4, labelW, c.Height - 4})
	for i, g := range gs {
		y := top + rowH*float64(i)
		c.text(labelW-8, y+barH*1.5+10, groupShortLabel(l, g.Group), "end", "label")
		for j, s := range []struct {
			n      int
			fill   string
			series string
		}{{g.Matches, colourMatches, "chart.tip.matches"}, {g.Scheduled, colourScheduled, "chart.tip.scheduled"}, {g.Held, colourHeld, "chart.tip.held"}} {
			by := y + float64(j)*(barH+2)
			w := float64(s.n) * scale
			c.rect(labelW, by, w, barH, s.fill, l.Tf(s.series, groupLabel(l, g.Group), s.n))
			c.text(labelW+w+4, by+barH-3, l.Number(float64(s.n)), "start", "value")
		}
	}
	return c
}

// slotChart draws the meetings scheduled in every slot, with the held ones
// as a narrower bar in front.
func slotChart(slots []conferences.SlotTotals, multiDay bool, l messages.Lang) chart {
	const (
		left, right, top, plotH = 48.0, 990.0, 36.0, 220.0
	)
	c := chart{ID: "chart-slots", Title: l.T("chart.slots"), Width: 1000, Height: top + plotH + 40}
	c.legend(left, 16, [2]string{l.T("chart.scheduled"), colourScheduled}, [2]string{l.T("chart.held"), colourHeld})
	peak := 0
	for _, s := range slots {
		peak = max(peak, s.Scheduled)
	}
	step := niceStep(peak)
	top2 := float64(step * int(math.Ceil(float64(max(peak, 1))/float64(step))))
	base := top + plotH
	for v := 0; float64(v) <= top2; v += step {
		y := base - plotH*float64(v)/top2
		c.Lines = append(c.Lines, svgLine{left, r1(y), right, r1(y)})
		c.text(left-6, y+4, l.Number(float64(v)), "end", "value")
	}
	if len(slots) == 0 {
		c.text((left+right)/2, top+plotH/2, l.T("chart.no_slots"), "middle", "label")
		return c
	}
	band := (right - left) / float64(len(slots))
	format, labelW := "15:04", 40.0
	if multiDay {
		format, labelW = "02/01 15:04", 78.0
	}
	every := int(math.Ceil(labelW / band))
	for i, s := range slots {
		x := left + band*float64(i)
		h := plotH * float64(s.Scheduled) / top2
		c.rect(x+band*0.15, base-h, band*0.7, h, colourScheduled, l.Tf("chart.tip.scheduled", s.StartsAt.Format(format), s.Scheduled))
		hh := plotH * float64(s.Held) / top2
		c.rect(x+band*0.3, base-hh, band*0.4, hh, colourHeld, l.Tf("chart.tip.held", s.StartsAt.Format(format), s.Held))
		if i%every == 0 {
			c.text(x+band/2, base+16, s.StartsAt.Format(format), "middle", "label")
		}
	}
	return c
}

// niceStep is a grid step of 1, 2 or 5 times a power of ten giving at most
// five lines up to peak.
func niceStep(peak int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if peak <= 5*m*p {
				return m * p
			}
		}
	}
}

// funnelChart draws matched -> scheduled -> held -> MoU/contract as
// centred bars, each with its share of the stage before.
func funnelChart(stages []conferences.FunnelStage, l messages.Lang) chart {
	const (
		labelW, plotW, rowH, barH = 230.0, 740.0, 52.0, 40.0
	)
	c := chart{ID: "chart-funnel", Title: l.T("chart.funnel"), Width: 1000,
		Height: rowH*float64(len(stages)) + 8}
	names := map[string]string{}
	for _, s := range stages {
		names[s.Stage] = s.Stage
		if k := "chart.stage." + s.Stage; l.Has(k) {
			names[s.Stage] = l.T(k)
		}
	}
	peak := 0
	for _, s := range stages {
		peak = max(peak, s.Count)
	}
	centre := labelW + plotW/2
	for i, s := range stages {
		y := 4 + rowH*float64(i)
		w := 0.0
		if peak > 0 {
			w = math.Max(plotW*float64(s.Count)/float64(peak), 2)
		}
		label := l.Number(float64(s.Count))
		if i > 0 && stages[i-1].Count > 0 {
			label = l.Tf("chart.share", label, 100*float64(s.Count)/float64(stages[i-1].Count), names[stages[i-1].Stage])
		}
		c.rect(centre-w/2, y, w, barH, funnelColours[i%len(funnelColours)], names[s.Stage]+": "+label)
		c.text(labelW-8, y+barH/2+5, names[s.Stage], "end", "label")
		class := "inbar"
		if i >= 2 { // the darker stages
			class += " dark"
		}
		c.text(centre, y+barH/2+5, label, "middle", class)
	}
	return c
}

// reportPage is what the HTML template sees.
// Its texts are in L: the template calls .L.T and .L.Tf with catalogue keys
// and formats numbers with the page's methods.
type reportPage struct {
	conferences.Report
	L         messages.Lang
	Generated time.Time
	Location  *time.Location
	Charts    []chart
}

// Int is a count with l's digit grouping.
func (p reportPage) Int(n int) string { return p.L.Number(float64(n)) }

// Money is whole US dollars: "$1,234" in English, "1.234 USD" in Vietnamese.
func (p reportPage) Money(v float64) string {
	if p.L == messages.VI {
		return p.L.Number(math.Round(v)) + " USD"
	}
	return "$" + thousands(v)
}

// MoneyP is Money of an optional value; empty when there is none.
func (p reportPage) MoneyP(v *float64) string {
	if v == nil {
		return ""
	}
	return p.Money(*v)
}

// Group is an industry group's label in the page's language.
func (p reportPage) Group(g domain.IndustryGroup) string { return groupLabel(p.L, g) }

// Role is a firm's role in the page's language.
func (p reportPage) Role(r string) string { return p.L.T("role." + r) }

// Percent is a rate's percentage, "–" when nothing was counted; with a
// decimal comma in Vietnamese.
func (p reportPage) Percent(x *float64) string {
	if x == nil {
		return "–"
	}
	s := percent(x) + "%"
	if p.L == messages.VI {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// reportHTML renders the report page in l.
func reportHTML(r conferences.Report, now time.Time, l messages.Lang) ([]byte, error) {
	loc := r.Event.StartsAt.Location()
	multiDay := r.Event.EndsAt.In(loc).YearDay() != r.Event.StartsAt.YearDay() || r.Event.EndsAt.In(loc).Year() != r.Event.StartsAt.Year()
	p := reportPage{Report: r, L: l, Generated: now.In(loc), Location: loc, Charts: []chart{
		industryChart(r.IndustryGroups, l), slotChart(r.Slots, multiDay, l), funnelChart(r.Funnel, l)}}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("api: report page: %w", err)
	}
	return buf.Bytes(), nil
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"at":     func(loc *time.Location, t time.Time) string { return t.In(loc).Format("02/01/2006 15:04") },
	"offset": func(t time.Time) string { return t.Format("UTC-07:00") },
}).Parse(reportTemplateText))

// thousands formats whole (non-negative) dollars with comma grouping.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

const reportTemplateText = `<!doctype html>
<html lang="{{.L}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.L.Tf "html.title" .Event.Name}}</title>
<style>
  @page { size: A4; margin: 12mm; }
  * { box-sizing: border-box; }
  body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #1b1b1b; margin: 24px; font-size: 13px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 2px solid #3182bd; padding-bottom: 3px; }
  .meta { color: #555; margin: 0 0 2px; }
  .figures { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin-top: 12px; }
  .figure { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 10px; }
  .figure b { display: block; font-size: 20px; }
  .figure span { color: #555; font-size: 12px; }
  figure.chart { margin: 8px 0 16px; break-inside: avoid; }
  figure.chart svg { width: 100%; height: auto; max-width: 1000px; display: block; }
  figcaption { color: #555; font-size: 12px; margin-top: 2px; }
  svg text { font-family: inherit; font-size: 12px; fill: #1b1b1b; }
  svg text.inbar { font-weight: bold; }
  svg text.dark { fill: #fff; }
  svg text.value { fill: #444; font-size: 11px; }
  svg line { stroke: #d0d7de; stroke-width: 1; }
  table { border-collapse: collapse; width: 100%; margin-bottom: 8px; }
  th, td { border-bottom: 1px solid #e1e4e8; padding: 3px 6px; text-align: right; vertical-align: top; }
  th { background: #f3f6f9; }
  th:first-child, td:first-child, td.text { text-align: left; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  @media print {
    body { margin: 0; font-size: 11px; }
    .figures { grid-template-columns: repeat(4, 1fr); }
    h2 { break-after: avoid; }
  }
</style>
</head>
<body>
<header>
  <h1>{{.Event.Name}}</h1>
  <p class="meta">{{if eq .Event.Kind "fair"}}{{.L.T "html.kind.fair"}}{{else}}{{.L.T "html.kind.conference"}}{{end}} · {{.Event.Venue}}</p>
  <p class="meta">{{at .Location .Event.StartsAt}} – {{at .Location .Event.EndsAt}} ({{offset .Event.StartsAt}}) · {{.L.Tf "html.slots" .Event.SlotMinutes .Event.Tables}}</p>
  <p class="meta">{{.L.Tf "html.generated" (at .Location .Generated)}}</p>
</header>

<section id="figures">
  <h2>{{.L.T "html.figures"}}</h2>
  <div class="figures">
    <div class="figure"><b>{{.Int .Totals.Suppliers}}</b><span>{{.L.T "html.fig.suppliers"}}</span></div>
    <div class="figure"><b>{{.Int .Totals.Buyers}}</b><span>{{.L.T "html.fig.buyers"}}</span></div>
    <div class="figure"><b>{{.Int .Totals.Matches}}</b><span>{{.L.T "html.fig.matches"}}</span></div>
    <div class="figure"><b>{{.Int .Totals.Scheduled}}</b><span>{{.L.T "html.fig.scheduled"}}</span></div>
    <div class="figure"><b>{{.Int .Totals.Held}}</b><span>{{.L.Tf "html.fig.held" .Totals.NoShow}}</span></div>
    <div class="figure"><b>{{.Int .Totals.MoUs}} / {{.Int .Totals.Contracts}}</b><span>{{.L.Tf "html.fig.deals" (.Money .Totals.ValueUSD)}}</span></div>
    <div class="figure"><b>{{.Percent .Rates.Kept.Percent}}</b><span>{{.L.Tf "html.fig.kept" .Rates.Kept.Numerator .Rates.Kept.Denominator}}</span></div>
    <div class="figure"><b>{{.Percent .Rates.Deal.Percent}}</b><span>{{.L.Tf "html.fig.deal_rate" .Rates.Deal.Numerator .Rates.Deal.Denominator}}</span></div>
    <div class="figure"><b>{{.Percent .Rates.Acceptance.Percent}}</b><span>{{.L.Tf "html.fig.accepted" .Rates.Acceptance.Numerator .Rates.Acceptance.Denominator}}</span></div>
    <div class="figure"><b>{{.Int .Totals.Requests}}</b><span>{{.L.Tf "html.fig.requests" .Totals.RequestsPending}}</span></div>
    <div class="figure"><b>{{.Int .Totals.FollowUps}}</b><span>{{.L.T "html.fig.follow_ups"}}</span></div>
    <div class="figure"><b>{{.Int .Totals.CooperationPossible}}</b><span>{{.L.T "html.fig.cooperation"}}</span></div>
  </div>
</section>

<section id="charts">
  <h2>{{.L.T "html.charts"}}</h2>
{{range .Charts}}  <figure class="chart" id="{{.ID}}">
    <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}" role="img" aria-label="{{.Title}}">
      <title>{{.Title}}</title>
{{range .Lines}}      <line x1="{{.X1}}" y1="{{.Y1}}" x2="{{.X2}}" y2="{{.Y2}}"></line>
{{end}}{{range .Rects}}      <rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{.Fill}}"><title>{{.Tip}}</title></rect>
{{end}}{{range .Texts}}      <text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}" class="{{.Class}}">{{.Text}}</text>
{{end}}    </svg>
    <figcaption>{{.Title}}</figcaption>
  </figure>
{{end}}</section>

<section id="industry-groups">
  <h2>{{.L.T "html.by_group"}}</h2>
  <table>
    <thead><tr><th>{{.L.T "html.th.group"}}</th><th>{{.L.T "html.th.suppliers"}}</th><th>{{.L.T "html.th.buyers"}}</th><th>{{.L.T "html.th.matches"}}</th><th>{{.L.T "html.th.scheduled"}}</th><th>{{.L.T "html.th.held"}}</th><th>{{.L.T "html.th.no_show"}}</th><th>{{.L.T "html.th.mou"}}</th><th>{{.L.T "html.th.contract"}}</th><th>{{.L.T "html.th.value"}}</th></tr></thead>
    <tbody>
{{range .IndustryGroups}}      <tr><td>{{$.Group .Group}}</td><td>{{$.Int .Suppliers}}</td><td>{{$.Int .Buyers}}</td><td>{{$.Int .Matches}}</td><td>{{$.Int .Scheduled}}</td><td>{{$.Int .Held}}</td><td>{{$.Int .NoShow}}</td><td>{{$.Int .MoUs}}</td><td>{{$.Int .Contracts}}</td><td>{{$.Money .ValueUSD}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="firms">
  <h2>{{.L.Tf "html.firms" (len .Firms)}}</h2>
  <table>
    <thead><tr><th>{{.L.T "html.th.firm"}}</th><th>{{.L.T "html.th.role"}}</th><th>{{.L.T "html.th.matches"}}</th><th>{{.L.T "html.th.scheduled"}}</th><th>{{.L.T "html.th.held"}}</th><th>{{.L.T "html.th.no_show"}}</th><th>{{.L.T "html.th.deals"}}</th><th>{{.L.T "html.th.value"}}</th></tr></thead>
    <tbody>
{{range .Firms}}      <tr><td>{{.Name}}</td><td class="text">{{$.Role (print .Role)}}</td><td>{{$.Int .Matches}}</td><td>{{$.Int .Scheduled}}</td><td>{{$.Int .Held}}</td><td>{{$.Int .NoShow}}</td><td>{{$.Int .Deals}}</td><td>{{$.Money .ValueUSD}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="meetings">
  <h2>{{.L.Tf "html.meetings" (len .Meetings)}}</h2>
  <table>
    <thead><tr><th>{{.L.T "html.th.time"}}</th><th>{{.L.T "html.th.place"}}</th><th>{{.L.T "html.th.supplier"}}</th><th>{{.L.T "html.th.buyer"}}</th><th>{{.L.T "html.th.score"}}</th><th>{{.L.T "html.th.status"}}</th><th>{{.L.T "html.th.result"}}</th><th>{{.L.T "html.th.value"}}</th></tr></thead>
    <tbody>
{{$loc := .Location}}{{range .Meetings}}      <tr><td>{{at $loc .StartsAt}}</td><td class="text">{{if .Booth}}{{$.L.Tf "ics.booth" .Booth}}{{else}}{{$.L.Tf "ics.table" .Table}}{{end}}</td><td class="text">{{.SupplierName}}</td><td class="text">{{.BuyerName}}</td><td>{{.Score}}</td><td class="text">{{.Status}}</td><td class="text">{{with .Outcome}}{{.Result}}{{end}}</td><td>{{with .Outcome}}{{$.MoneyP .ValueUSD}}{{end}}</td></tr>
{{end}}    </tbody>
  </table>
</section>
</body>
</html>
`
