package api

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/projections/programme"
)

// getProgrammeReport: GET /v1/programme/report?year=YYYY&format=json|html|xlsx
// (organiser). HTML is Vietnamese unless Accept-Language prefers English.
func (s *Server) getProgrammeReport(c echo.Context) error {
	if err := requireOrganiser(c); err != nil {
		return err
	}
	var p domain.Problems
	knownParams(&p, c, "year", "format", "after")
	year, err := strconv.Atoi(c.QueryParam("year"))
	p.Check(err == nil && year >= rates.MinYear && year <= rates.MaxYear, "year", "must be a year from %d to %d", rates.MinYear, rates.MaxYear)
	format := c.QueryParam("format")
	switch format {
	case "", formatJSON, formatHTML, programmeFormatXLSX:
	default:
		p.Add("format", "must be json, html or xlsx")
	}
	if err := p.Err(); err != nil {
		return err
	}
	r, err := programme.ProgrammeReportOf(c.Request().Context(), s.pool, year, s.now())
	if err != nil {
		return unavailable(err)
	}
	lang := reportLanguage(c)
	switch format {
	case formatHTML:
		page, err := programmeHTML(r, lang)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Security-Policy", reportCSP)
		c.Response().Header().Set("Content-Language", lang)
		return c.HTMLBlob(http.StatusOK, page)
	case programmeFormatXLSX:
		book, err := programmeXLSX(r, lang)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="programme-report-%d.xlsx"`, year))
		c.Response().Header().Set("Content-Language", lang)
		return c.Blob(http.StatusOK, programmeXLSXType, book)
	}
	return c.JSON(http.StatusOK, r)
}

// programmeFormatXLSX asks for a spreadsheet.
const (
	programmeFormatXLSX = "xlsx"
	programmeXLSXType   = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// reportLanguage is "en" when Accept-Language puts English before
// Vietnamese, else "vi" (the city's reports are Vietnamese).
func reportLanguage(c echo.Context) string {
	for _, part := range strings.Split(c.Request().Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return "en"
		case tag == "vi" || strings.HasPrefix(tag, "vi-"):
			return "vi"
		}
	}
	return "vi"
}

// programmeText holds the report's labels in one language.
type programmeText map[string]string

var programmeTexts = map[string]programmeText{
	"vi": {
		"title":                               "Báo cáo chương trình phát triển sản phẩm công nghiệp chủ lực và công nghiệp hỗ trợ",
		"year":                                "Năm",
		"previous":                            "Năm trước",
		"target":                              "Mục tiêu",
		"value":                               "Kết quả",
		"indicator":                           "Chỉ tiêu",
		"method":                              "Cách tính",
		"indicators":                          "Các chỉ tiêu",
		"groups":                              "Theo nhóm ngành",
		"countries":                           "Theo quốc gia của bên mua",
		"wards":                               "Theo phường, xã của doanh nghiệp cung ứng",
		"ward":                                "Phường, xã",
		"sourcing":                            "Nội địa hóa: giá trị hợp đồng theo doanh nghiệp FDI",
		"funnel":                              "Phễu kết nối",
		"rates":                               "Tỷ giá đã dùng",
		"generated":                           "Lập lúc",
		"group":                               "Nhóm ngành",
		"country":                             "Quốc gia",
		"buyer":                               "Doanh nghiệp FDI",
		"currency":                            "Tiền tệ",
		"rate":                                "VNĐ / đơn vị",
		"from_year":                           "Bảng tỷ giá năm",
		"missing":                             "Không có tỷ giá",
		"key_products_recognised":             "Sản phẩm CNCL được công nhận",
		"key_product_firms_recognised":        "Doanh nghiệp có sản phẩm được công nhận",
		"key_product_firms_supported":         "DN có sản phẩm CNCL được hỗ trợ (%)",
		"supporting_industry_firms":           "Doanh nghiệp công nghiệp hỗ trợ",
		"certified_supporting_industry_firms": "DN CNHT có chứng chỉ quốc tế còn hiệu lực 31/12",
		"matches":                             "Cặp kết nối được xếp lịch gặp",
		"meetings_held":                       "Cuộc gặp đã diễn ra",
		"mous":                                "Biên bản ghi nhớ (MoU)",
		"contracts":                           "Hợp đồng",
		"contract_value_vnd":                  "Giá trị hợp đồng (VNĐ)",
		"key_products":                        "SP được công nhận",
		"key_product_firms":                   "DN được công nhận",
		"matched":                             "Kết nối",
		"held":                                "Đã gặp",
		"mou":                                 "MoU",
		"contract":                            "Hợp đồng",
		"chart_groups":                        "Sản phẩm được công nhận theo nhóm ngành (năm nay / năm trước)",
		"chart_funnel":                        "Phễu kết nối: kết nối, đã gặp, MoU, hợp đồng",
		"chart_targets":                       "Tiến độ so với mục tiêu",
	},
	"en": {
		"title":                               "Key industrial products and supporting industries: programme report",
		"year":                                "Year",
		"previous":                            "Year before",
		"target":                              "Target",
		"value":                               "Result",
		"indicator":                           "Indicator",
		"method":                              "How it is computed",
		"indicators":                          "Indicators",
		"groups":                              "By industry group",
		"countries":                           "By buyer country",
		"wards":                               "By the supplier's ward or commune",
		"ward":                                "Ward or commune",
		"sourcing":                            "Local sourcing: contract value per FDI buyer",
		"funnel":                              "Connection funnel",
		"rates":                               "Exchange rates used",
		"generated":                           "Generated",
		"group":                               "Industry group",
		"country":                             "Country",
		"buyer":                               "FDI buyer",
		"currency":                            "Currency",
		"rate":                                "VND per unit",
		"from_year":                           "Rate table of",
		"missing":                             "No rate",
		"key_products_recognised":             "Key products recognised",
		"key_product_firms_recognised":        "Firms with products recognised",
		"key_product_firms_supported":         "Key-product firms supported (%)",
		"supporting_industry_firms":           "Supporting-industry firms",
		"certified_supporting_industry_firms": "Supporting-industry firms with an international certificate valid on 31 Dec",
		"matches":                             "Pairs matched and scheduled",
		"meetings_held":                       "Meetings held",
		"mous":                                "MoUs",
		"contracts":                           "Contracts",
		"contract_value_vnd":                  "Contract value (VND)",
		"key_products":                        "Products recognised",
		"key_product_firms":                   "Firms recognised",
		"matched":                             "Matched",
		"held":                                "Held",
		"mou":                                 "MoU",
		"contract":                            "Contract",
		"chart_groups":                        "Products recognised by industry group (this year / year before)",
		"chart_funnel":                        "Connection funnel: matched, held, MoU, contract",
		"chart_targets":                       "Progress towards the targets",
	},
}

// methodsVI say in Vietnamese how each indicator is computed (the JSON
// carries the English text of projections).
var methodsVI = map[string]string{
	"key_products_recognised": "Số lượt công nhận sản phẩm công nghiệp chủ lực có năm công nhận là năm báo cáo; nhóm ngành của doanh nghiệp " +
		"là nhóm ngành của năng lực sản xuất đầu tiên còn hiệu lực (chưa phân loại nếu không có).",
	"key_product_firms_recognised": "Số doanh nghiệp khác nhau có ít nhất một sản phẩm được công nhận trong năm.",
	"key_product_firms_supported": "Tỷ lệ doanh nghiệp có sản phẩm được công nhận đến hết năm (mẫu số) có bản ghi hỗ trợ " +
		"của thành phố trong năm (tử số).",
	"supporting_industry_firms": "Số doanh nghiệp cung ứng trong danh bạ hiện tại (mọi doanh nghiệp cung ứng được tính là doanh nghiệp CNHT; " +
		"danh bạ không lưu ngày đăng ký nên hai năm dùng cùng danh bạ).",
	"certified_supporting_industry_firms": "Doanh nghiệp có năng lực sản xuất còn hiệu lực với chứng chỉ còn hạn ngày 31/12 của năm, " +
		"theo tiêu chuẩn quốc tế (mọi tiêu chuẩn trừ TCVN, QCVN, VietGAP).",
	"matches":       "Số cuộc gặp đã công bố tại các hội nghị, hội chợ bắt đầu trong năm (giờ Hà Nội).",
	"meetings_held": "Trong số đó, các cuộc gặp đã diễn ra: ban tổ chức ghi nhận đã diễn ra hoặc một bên xác nhận đã gặp, và không bên nào báo vắng mặt (cùng quy tắc với báo cáo sự kiện).",
	"mous":          "Số thương vụ có ít nhất một biên bản ghi nhớ ký trong năm.",
	"contracts":     "Số thương vụ ở giai đoạn hợp đồng với ngày ký hợp đồng trong năm.",
	"contract_value_vnd": "Tổng giá trị các hợp đồng đó quy đổi ra VNĐ theo bảng tỷ giá của năm do ban tổ chức nhập " +
		"(thiếu tỷ giá thì dùng bảng gần nhất năm trước; không có thì không cộng). Nhóm ngành: của nhu cầu, nếu không thì của doanh nghiệp cung ứng. Quốc gia: của bên mua. Phường, xã: của doanh nghiệp cung ứng.",
}

// groupNames name the industry groups per language.
var groupNames = map[string]map[string]string{
	"vi": {"mechanical": "Cơ khí, chế tạo", "electrical_electronics": "Điện, điện tử", "it": "Công nghệ thông tin",
		"textile_leather": "Dệt may, da giầy", "agri_food": "Chế biến nông sản, thực phẩm",
		"chem_rubber_plastic_pharma": "Hóa chất, cao su, nhựa, dược phẩm", "building_materials": "Vật liệu xây dựng",
		"handicrafts": "Thủ công mỹ nghệ", programme.Unclassified: "Chưa phân loại"},
	"en": {"mechanical": "Mechanical engineering", "electrical_electronics": "Electrical and electronics", "it": "Information technology",
		"textile_leather": "Textiles, garments, leather", "agri_food": "Agri-food processing",
		"chem_rubber_plastic_pharma": "Chemicals, rubber, plastics, pharma", "building_materials": "Building materials",
		"handicrafts": "Handicrafts", programme.Unclassified: "Unclassified"},
}

// vnd formats whole dong with dot grouping in Vietnamese, comma in English.
func vnd(v float64, lang string) string {
	s := thousands(math.Abs(v))
	if lang == "vi" {
		s = strings.ReplaceAll(s, ",", ".")
	}
	if v < 0 {
		s = "-" + s
	}
	return s
}

// figure formats an indicator value by its unit.
func figure(v float64, unit, lang string) string {
	switch unit {
	case "percent":
		s := strconv.FormatFloat(v, 'f', 1, 64)
		if lang == "vi" {
			s = strings.ReplaceAll(s, ".", ",")
		}
		return s + "%"
	case "vnd":
		return vnd(v, lang)
	}
	return vnd(v, lang)
}

// groupsChart draws products recognised per industry group this year and
// the year before.
func groupsChart(r programme.ProgrammeReport, t programmeText, lang string) chart {
	const labelW, plotW, rowH, barH, top = 250.0, 660.0, 36.0, 13.0, 36.0
	c := chart{ID: "chart-groups", Title: t["chart_groups"], Width: 1000, Height: top + rowH*float64(len(r.IndustryGroups)) + 8}
	c.legend(labelW, 16, [2]string{strconv.Itoa(r.Year), colourScheduled}, [2]string{strconv.Itoa(r.PreviousYear), colourMatches})
	peak := 1
	for _, g := range r.IndustryGroups {
		peak = max(peak, g.KeyProducts, g.Previous.KeyProducts)
	}
	c.Lines = append(c.Lines, svgLine{labelW, top - 4, labelW, c.Height - 4})
	for i, g := range r.IndustryGroups {
		y := top + rowH*float64(i)
		c.text(labelW-8, y+barH+4, groupNames[lang][g.Group], "end", "label")
		for j, s := range []struct {
			n    int
			fill string
			year int
		}{{g.KeyProducts, colourScheduled, r.Year}, {g.Previous.KeyProducts, colourMatches, r.PreviousYear}} {
			by := y + float64(j)*(barH+2)
			w := plotW * float64(s.n) / float64(peak)
			c.rect(labelW, by, w, barH, s.fill, fmt.Sprintf("%s %d: %d", groupNames[lang][g.Group], s.year, s.n))
			c.text(labelW+w+4, by+barH-2, itoa(s.n), "start", "value")
		}
	}
	return c
}

// programmeFunnel draws the four stages as centred bars, MoU and contract
// apart, each with its share of the stage before.
func programmeFunnel(r programme.ProgrammeReport, t programmeText) chart {
	const labelW, plotW, rowH, barH = 230.0, 740.0, 52.0, 40.0
	c := chart{ID: "chart-programme-funnel", Title: t["chart_funnel"], Width: 1000, Height: rowH*float64(len(r.Funnel)) + 8}
	peak := 0
	for _, s := range r.Funnel {
		peak = max(peak, s.Count)
	}
	centre := labelW + plotW/2
	for i, s := range r.Funnel {
		y := 4 + rowH*float64(i)
		w := 0.0
		if peak > 0 {
			w = math.Max(plotW*float64(s.Count)/float64(peak), 2)
		}
		label := itoa(s.Count)
		if i > 0 && r.Funnel[i-1].Count > 0 {
			label += fmt.Sprintf(" (%.0f%%)", 100*float64(s.Count)/float64(r.Funnel[i-1].Count))
		}
		c.rect(centre-w/2, y, w, barH, funnelColours[i%len(funnelColours)], t[s.Stage]+": "+label)
		c.text(labelW-8, y+barH/2+5, t[s.Stage], "end", "label")
		class := "inbar"
		if i >= 2 {
			class += " dark"
		}
		c.text(centre, y+barH/2+5, label, "middle", class)
	}
	return c
}

// targetsChart draws each indicator with a target as a share of it.
func targetsChart(r programme.ProgrammeReport, t programmeText, lang string) chart {
	const labelW, plotW, rowH, barH = 330.0, 560.0, 30.0, 18.0
	var rows []programme.Indicator
	for _, ind := range r.Indicators {
		if ind.Target != nil && *ind.Target > 0 {
			rows = append(rows, ind)
		}
	}
	c := chart{ID: "chart-targets", Title: t["chart_targets"], Width: 1000, Height: rowH*float64(len(rows)) + 8}
	for i, ind := range rows {
		y := 4 + rowH*float64(i)
		share := math.Min(ind.Value / *ind.Target, 1)
		c.rect(labelW, y, plotW, barH, "#e1e4e8", t["target"]+": "+figure(*ind.Target, ind.Unit, lang))
		c.rect(labelW, y, plotW*share, barH, colourHeld, fmt.Sprintf("%s: %s / %s", t[ind.Code], figure(ind.Value, ind.Unit, lang), figure(*ind.Target, ind.Unit, lang)))
		c.text(labelW-8, y+barH-4, t[ind.Code], "end", "label")
		c.text(labelW+plotW+6, y+barH-4, fmt.Sprintf("%.0f%%", 100*ind.Value / *ind.Target), "start", "value")
	}
	return c
}

// programmePage is what the template sees.
type programmePage struct {
	programme.ProgrammeReport
	Lang      string
	T         programmeText
	Groups    map[string]string
	MethodsVI map[string]string
	Charts    []chart
}

func programmeHTML(r programme.ProgrammeReport, lang string) ([]byte, error) {
	t := programmeTexts[lang]
	p := programmePage{ProgrammeReport: r, Lang: lang, T: t, Groups: groupNames[lang], MethodsVI: methodsVI,
		Charts: []chart{targetsChart(r, t, lang), groupsChart(r, t, lang), programmeFunnel(r, t)}}
	var buf bytes.Buffer
	if err := programmeTemplate.Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("api: programme report page: %w", err)
	}
	return buf.Bytes(), nil
}

var programmeTemplate = template.Must(template.New("programme").Funcs(template.FuncMap{
	"figure": figure,
	"vnd":    func(v int64, lang string) string { return vnd(float64(v), lang) },
	"rate":   func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
}).Parse(programmeTemplateText))

const programmeTemplateText = `<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.T.title}} – {{.Year}}</title>
<style>
  @page { size: A4; margin: 12mm; }
  * { box-sizing: border-box; }
  body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; color: #1b1b1b; margin: 24px; font-size: 13px; }
  h1 { font-size: 22px; margin: 0 0 4px; }
  h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 2px solid #3182bd; padding-bottom: 3px; }
  .meta { color: #555; margin: 0 0 2px; }
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
  td.method { text-align: left; color: #555; font-size: 11px; max-width: 420px; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  @media print { body { margin: 0; font-size: 11px; } h2 { break-after: avoid; } }
</style>
</head>
<body>
<header>
  <h1>{{.T.title}}</h1>
  <p class="meta">{{.T.year}} {{.Year}} · {{.T.previous}} {{.PreviousYear}}</p>
  <p class="meta">{{.T.generated}} {{.GeneratedAt.Format "2006-01-02 15:04 UTC"}}</p>
</header>
{{$t := .T}}{{$lang := .Lang}}{{$g := .Groups}}
<section id="indicators">
  <h2>{{$t.indicators}}</h2>
  <table>
    <thead><tr><th>{{$t.indicator}}</th><th>{{$t.value}} {{.Year}}</th><th>{{$t.target}}</th><th>{{$t.previous}} {{.PreviousYear}}</th><th>{{$t.method}}</th></tr></thead>
    <tbody>
{{range .Indicators}}      <tr id="ind-{{.Code}}"><td>{{index $t .Code}}</td><td>{{figure .Value .Unit $lang}}{{if .Denominator}} ({{.Numerator}}/{{.Denominator}}){{end}}</td><td>{{$u := .Unit}}{{with .Target}}{{figure . $u $lang}}{{end}}</td><td>{{figure .Previous .Unit $lang}}</td><td class="method">{{if eq $lang "vi"}}{{index $.MethodsVI .Code}}{{else}}{{.Method}}{{end}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="charts">
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
  <h2>{{$t.groups}}</h2>
  <table>
    <thead><tr><th>{{$t.group}}</th><th>{{$t.key_products}}</th><th>{{$t.key_product_firms}}</th><th>{{$t.matched}}</th><th>{{$t.held}}</th><th>{{$t.mou}}</th><th>{{$t.contract}}</th><th>{{$t.contract_value_vnd}}</th><th>{{$t.previous}}: {{$t.key_products}}</th><th>{{$t.previous}}: {{$t.contract_value_vnd}}</th></tr></thead>
    <tbody>
{{range .IndustryGroups}}      <tr><td>{{index $g .Group}}</td><td>{{.KeyProducts}}</td><td>{{.KeyProductFirms}}</td><td>{{.Connections.Matches}}</td><td>{{.Connections.MeetingsHeld}}</td><td>{{.Connections.MoUs}}</td><td>{{.Connections.Contracts}}</td><td>{{vnd .Connections.ContractValueVND $lang}}</td><td>{{.Previous.KeyProducts}}</td><td>{{vnd .Previous.Connections.ContractValueVND $lang}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="buyer-countries">
  <h2>{{$t.countries}}</h2>
  <table>
    <thead><tr><th>{{$t.country}}</th><th>{{$t.matched}}</th><th>{{$t.held}}</th><th>{{$t.mou}}</th><th>{{$t.contract}}</th><th>{{$t.contract_value_vnd}}</th><th>{{$t.previous}}: {{$t.contract_value_vnd}}</th></tr></thead>
    <tbody>
{{range .BuyerCountries}}      <tr><td>{{.Country}}</td><td>{{.Connections.Matches}}</td><td>{{.Connections.MeetingsHeld}}</td><td>{{.Connections.MoUs}}</td><td>{{.Connections.Contracts}}</td><td>{{vnd .Connections.ContractValueVND $lang}}</td><td>{{vnd .Previous.ContractValueVND $lang}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="wards">
  <h2>{{$t.wards}}</h2>
  <table>
    <thead><tr><th>{{$t.ward}}</th><th>{{$t.matched}}</th><th>{{$t.held}}</th><th>{{$t.mou}}</th><th>{{$t.contract}}</th><th>{{$t.contract_value_vnd}}</th><th>{{$t.previous}}: {{$t.contract_value_vnd}}</th></tr></thead>
    <tbody>
{{range .Wards}}      <tr><td>{{.Ward}}</td><td>{{.Connections.Matches}}</td><td>{{.Connections.MeetingsHeld}}</td><td>{{.Connections.MoUs}}</td><td>{{.Connections.Contracts}}</td><td>{{vnd .Connections.ContractValueVND $lang}}</td><td>{{vnd .Previous.ContractValueVND $lang}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="local-sourcing">
  <h2>{{$t.sourcing}}</h2>
  <table>
    <thead><tr><th>{{$t.buyer}}</th><th>{{$t.country}}</th><th>{{$t.contract}}</th><th>{{$t.contract_value_vnd}}</th><th>{{$t.previous}}</th></tr></thead>
    <tbody>
{{range .LocalSourcing}}      <tr><td>{{.BuyerName}}</td><td class="text">{{.Country}}</td><td>{{.Contracts}}</td><td>{{vnd .ContractValueVND $lang}}</td><td>{{vnd .PreviousVND $lang}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="funnel">
  <h2>{{$t.funnel}}</h2>
  <table>
    <thead><tr><th></th><th>{{.Year}}</th><th>{{.PreviousYear}}</th></tr></thead>
    <tbody>
{{range .Funnel}}      <tr><td>{{index $t .Stage}}</td><td>{{.Count}}</td><td>{{.Previous}}</td></tr>
{{end}}    </tbody>
  </table>
</section>

<section id="rates">
  <h2>{{$t.rates}}</h2>
  <table>
    <thead><tr><th>{{$t.year}}</th><th>{{$t.currency}}</th><th>{{$t.rate}}</th><th>{{$t.from_year}}</th></tr></thead>
    <tbody>
{{range $r := .Rates}}{{range $cur, $v := $r.VNDPer}}      <tr><td>{{$r.Year}}</td><td class="text">{{$cur}}</td><td>{{rate $v}}</td><td>{{index $r.FromYear $cur}}</td></tr>
{{end}}{{range $r.Missing}}      <tr><td>{{$r.Year}}</td><td class="text">{{.}}</td><td>{{$t.missing}}</td><td></td></tr>
{{end}}{{end}}    </tbody>
  </table>
</section>
</body>
</html>
`
