package api

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"github.com/keylink/keylink/projections"
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
		x += 30 + 8*float64(len(it[0]))
	}
}

// industryChart draws matches, scheduled and held meetings per industry
// group as grouped horizontal bars.
func industryChart(gs []projections.GroupTotals) chart {
	const (
		labelW, plotW, barH, rowH, top = 250.0, 660.0, 14.0, 54.0, 36.0
	)
	c := chart{ID: "chart-industry", Title: "Matches and meetings by industry group", Width: 1000}
	c.Height = top + rowH*float64(len(gs)) + 8
	c.legend(labelW, 16, [2]string{"matches", colourMatches}, [2]string{"meetings scheduled", colourScheduled},
		[2]string{"meetings held", colourHeld})
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
		c.text(labelW-8, y+barH*1.5+10, groupShortLabel(g.Group), "end", "label")
		for j, s := range []struct {
			n      int
			fill   string
			series string
		}{{g.Matches, colourMatches, "matches"}, {g.Scheduled, colourScheduled, "scheduled"}, {g.Held, colourHeld, "held"}} {
			by := y + float64(j)*(barH+2)
			w := float64(s.n) * scale
			c.rect(labelW, by, w, barH, s.fill, fmt.Sprintf("%s: %d %s", groupLabel(g.Group), s.n, s.series))
			c.text(labelW+w+4, by+barH-3, itoa(s.n), "start", "value")
		}
	}
	return c
}

// slotChart draws the meetings scheduled in every slot, with the held ones
// as a narrower bar in front.
func slotChart(slots []projections.SlotTotals, multiDay bool) chart {
	const (
		left, right, top, plotH = 48.0, 990.0, 36.0, 220.0
	)
	c := chart{ID: "chart-slots", Title: "Meetings per slot", Width: 1000, Height: top + plotH + 40}
	c.legend(left, 16, [2]string{"meetings scheduled", colourScheduled}, [2]string{"meetings held", colourHeld})
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
		c.text(left-6, y+4, itoa(v), "end", "value")
	}
	if len(slots) == 0 {
		c.text((left+right)/2, top+plotH/2, "no slots", "middle", "label")
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
		c.rect(x+band*0.15, base-h, band*0.7, h, colourScheduled, fmt.Sprintf("%s: %d scheduled", s.StartsAt.Format(format), s.Scheduled))
		hh := plotH * float64(s.Held) / top2
		c.rect(x+band*0.3, base-hh, band*0.4, hh, colourHeld, fmt.Sprintf("%s: %d held", s.StartsAt.Format(format), s.Held))
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
func funnelChart(stages []projections.FunnelStage) chart {
	const (
		labelW, plotW, rowH, barH = 230.0, 740.0, 52.0, 40.0
	)
	c := chart{ID: "chart-funnel", Title: "Outcome funnel: matched, scheduled, held, MoU or contract", Width: 1000,
		Height: rowH*float64(len(stages)) + 8}
	names := map[string]string{"matched": "Matched", "scheduled": "Scheduled", "held": "Held", "mou_or_contract": "MoU or contract"}
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
		label := fmt.Sprintf("%d", s.Count)
		if i > 0 && stages[i-1].Count > 0 {
			label += fmt.Sprintf(" (%.0f%% of %s)", 100*float64(s.Count)/float64(stages[i-1].Count), names[stages[i-1].Stage])
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
type reportPage struct {
	projections.Report
	Generated time.Time
	Location  *time.Location
	Charts    []chart
}

func reportHTML(r projections.Report, now time.Time) ([]byte, error) {
	loc := r.Event.StartsAt.Location()
	multiDay := r.Event.EndsAt.In(loc).YearDay() != r.Event.StartsAt.YearDay() || r.Event.EndsAt.In(loc).Year() != r.Event.StartsAt.Year()
	p := reportPage{Report: r, Generated: now.In(loc), Location: loc, Charts: []chart{
		industryChart(r.IndustryGroups), slotChart(r.Slots, multiDay), funnelChart(r.Funnel)}}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("api: report page: %w", err)
	}
	return buf.Bytes(), nil
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"at":     func(loc *time.Location, t time.Time) string { return t.In(loc).Format("02/01/2006 15:04") },
	"offset": func(t time.Time) string { return t.Format("UTC-07:00") },
	"group":  groupLabel,
	"money":  func(v float64) string { return "$" + thousands(v) },
	"moneyp": func(v *float64) string {
		if v == nil {
			return ""
		}
		return "$" + thousands(*v)
	},
	"percent": func(p *float64) string {
		if p == nil {
			return "–"
		}
		return percent(p) + "%"
	},
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
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Báo cáo kết quả · Event report – {{.Event.Name}}</title>
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
  <p class="meta">{{if eq .Event.Kind "fair"}}Hội chợ · Trade fair{{else}}Hội nghị kết nối · Connection conference{{end}} · {{.Event.Venue}}</p>
  <p class="meta">{{at .Location .Event.StartsAt}} – {{at .Location .Event.EndsAt}} ({{offset .Event.StartsAt}}) · {{.Event.SlotMinutes}}-minute slots · {{.Event.Tables}} tables</p>
  <p class="meta">Generated {{at .Location .Generated}}</p>
</header>

<section id="figures">
  <h2>Key figures · Số liệu chính</h2>
  <div class="figures">
    <div class="figure"><b>{{.Totals.Suppliers}}</b><span>suppliers registered</span></div>
    <div class="figure"><b>{{.Totals.Buyers}}</b><span>buyers registered</span></div>
    <div class="figure"><b>{{.Totals.Matches}}</b><span>matched pairs</span></div>
    <div class="figure"><b>{{.Totals.Scheduled}}</b><span>meetings scheduled</span></div>
    <div class="figure"><b>{{.Totals.Held}}</b><span>meetings held ({{.Totals.NoShow}} no-show)</span></div>
    <div class="figure"><b>{{.Totals.MoUs}} / {{.Totals.Contracts}}</b><span>MoUs / contracts · {{money .Totals.ValueUSD}}</span></div>
    <div class="figure"><b>{{percent .Rates.Kept.Percent}}</b><span>kept meetings ({{.Rates.Kept.Numerator}}/{{.Rates.Kept.Denominator}})</span></div>
    <div class="figure"><b>{{percent .Rates.Deal.Percent}}</b><span>deal rate ({{.Rates.Deal.Numerator}}/{{.Rates.Deal.Denominator}})</span></div>
    <div class="figure"><b>{{percent .Rates.Acceptance.Percent}}</b><span>requests accepted ({{.Rates.Acceptance.Numerator}}/{{.Rates.Acceptance.Denominator}})</span></div>
    <div class="figure"><b>{{.Totals.Requests}}</b><span>meeting requests ({{.Totals.RequestsPending}} pending)</span></div>
    <div class="figure"><b>{{.Totals.FollowUps}}</b><span>follow-ups agreed</span></div>
    <div class="figure"><b>{{.Totals.CooperationPossible}}</b><span>“cooperation possible” ratings</span></div>
  </div>
</section>

<section id="charts">
  <h2>Charts · Biểu đồ</h2>
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
  <h2>By industry group · Theo nhóm ngành</h2>
  <table>
    <thead><tr><th>Industry group</th><th>Suppliers</th><th>Buyers</th><th>Matches</th><th>Scheduled</th><th>Held</th><th>No-show</th><th>MoU</th><th>Contract</th><th>Value (USD)</th></tr></thead>
    <tbody>
{{range .IndustryGroups}}      <tr><td>{{group .Group}}</td><td>{{.Suppliers}}</td><td>{{.Buyers}}</td><td>{{.Matches}}</td><td>{{.Scheduled}}</td><td>{{.Held}}</td><td>{{.NoShow}}</td><td>{{.MoUs}}</td><td>{{.Contracts}}</td><td>{{money .ValueUSD}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="firms">
  <h2>Registered firms · Doanh nghiệp tham gia ({{len .Firms}})</h2>
  <table>
    <thead><tr><th>Firm</th><th>Role</th><th>Matches</th><th>Scheduled</th><th>Held</th><th>No-show</th><th>Deals</th><th>Value (USD)</th></tr></thead>
    <tbody>
{{range .Firms}}      <tr><td>{{.Name}}</td><td class="text">{{.Role}}</td><td>{{.Matches}}</td><td>{{.Scheduled}}</td><td>{{.Held}}</td><td>{{.NoShow}}</td><td>{{.Deals}}</td><td>{{money .ValueUSD}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="meetings">
  <h2>Meetings · Các cuộc gặp ({{len .Meetings}})</h2>
  <table>
    <thead><tr><th>Time</th><th>Place</th><th>Supplier</th><th>Buyer</th><th>Score</th><th>Status</th><th>Result</th><th>Value (USD)</th></tr></thead>
    <tbody>
{{$loc := .Location}}{{range .Meetings}}      <tr><td>{{at $loc .StartsAt}}</td><td class="text">{{if .Booth}}booth {{.Booth}}{{else}}table {{.Table}}{{end}}</td><td class="text">{{.SupplierName}}</td><td class="text">{{.BuyerName}}</td><td>{{.Score}}</td><td class="text">{{.Status}}</td><td class="text">{{with .Outcome}}{{.Result}}{{end}}</td><td>{{with .Outcome}}{{moneyp .ValueUSD}}{{end}}</td></tr>
{{end}}    </tbody>
  </table>
</section>
</body>
</html>
`
