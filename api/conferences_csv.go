package api

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"time"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/projections/conferences"
)

// utf8BOM makes Excel read the CSV as UTF-8, keeping Vietnamese intact.
const utf8BOM = "\ufeff"

// Catalogue keys of the titles of the report's CSV blocks, in order.
const (
	csvEvent    = "csv.event"
	csvTotals   = "csv.totals"
	csvRates    = "csv.rates"
	csvGroups   = "csv.groups"
	csvSlots    = "csv.slots"
	csvFunnel   = "csv.funnel"
	csvFirms    = "csv.firms"
	csvMeetings = "csv.meetings"
)

// csvHeader is a header row in l: each column's catalogue key is "col."
// and its code, which is also its English text.
func csvHeader(l messages.Lang, codes ...string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = l.T("col." + c)
	}
	return out
}

// reportCSV renders the report as one CSV sheet of blocks: a title row, a
// header row and the data rows, blocks separated by an empty line. It is
// UTF-8 with a byte order mark and CRLF line ends, as Excel expects; rows
// have different widths, so a reader must allow that (encoding/csv:
// FieldsPerRecord = -1). Firm names are guarded against formula injection.
// Titles, headers and group labels are in l; codes and numbers are not.
func reportCSV(r conferences.Report, l messages.Lang) []byte {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	loc := r.Event.StartsAt.Location()
	block := func(title string, header []string, rows [][]string) {
		if title != csvEvent {
			_ = w.Write(nil)
		}
		_ = w.Write([]string{l.T(title)})
		_ = w.Write(csvHeader(l, header...))
		_ = w.WriteAll(rows)
	}
	block(csvEvent, []string{"field", "value"}, [][]string{
		{"event_id", r.Event.ID.String()}, {"name", cell(r.Event.Name)}, {"kind", string(r.Event.Kind)},
		{"venue", cell(r.Event.Venue)}, {"starts_at", csvTime(r.Event.StartsAt, loc)}, {"ends_at", csvTime(r.Event.EndsAt, loc)},
	})
	t := r.Totals
	block(csvTotals, []string{"metric", "value"}, [][]string{
		{"registered_suppliers", itoa(t.Suppliers)}, {"registered_buyers", itoa(t.Buyers)}, {"matches", itoa(t.Matches)},
		{"requests", itoa(t.Requests)}, {"requests_accepted", itoa(t.RequestsAccepted)},
		{"requests_declined", itoa(t.RequestsDeclined)}, {"requests_pending", itoa(t.RequestsPending)},
		{"meetings_scheduled", itoa(t.Scheduled)}, {"meetings_held", itoa(t.Held)}, {"meetings_no_show", itoa(t.NoShow)},
		{"meetings_unreported", itoa(t.Unreported)}, {"feedback_given", itoa(t.Feedback)},
		{"rated_no_interest", itoa(t.NoInterest)}, {"rated_informative", itoa(t.Informative)},
		{"rated_cooperation_possible", itoa(t.CooperationPossible)}, {"follow_ups", itoa(t.FollowUps)},
		{"mous", itoa(t.MoUs)}, {"contracts", itoa(t.Contracts)}, {"deal_value_usd", money(t.ValueUSD)},
	})
	rate := func(name string, x conferences.Rate) []string {
		return []string{name, itoa(x.Numerator), itoa(x.Denominator), percent(x.Percent)}
	}
	block(csvRates, []string{"rate", "numerator", "denominator", "percent"}, [][]string{
		rate("acceptance", r.Rates.Acceptance), rate("kept_meetings", r.Rates.Kept), rate("deal", r.Rates.Deal),
	})
	block(csvGroups, []string{"industry_group", "label", "suppliers", "buyers", "matches", "meetings_scheduled",
		"meetings_held", "meetings_no_show", "mous", "contracts", "deal_value_usd"}, groupRows(r.IndustryGroups, l))
	var slots [][]string
	for _, s := range r.Slots {
		slots = append(slots, []string{itoa(s.Index), csvTime(s.StartsAt, loc), itoa(s.Scheduled), itoa(s.Held)})
	}
	block(csvSlots, []string{"slot", "starts_at", "meetings_scheduled", "meetings_held"}, slots)
	var funnel [][]string
	for _, f := range r.Funnel {
		funnel = append(funnel, []string{f.Stage, itoa(f.Count)})
	}
	block(csvFunnel, []string{"stage", "count"}, funnel)
	block(csvFirms, []string{"organisation_id", "name", "role", "industry_groups", "matches", "meetings_scheduled",
		"meetings_held", "meetings_no_show", "deals", "deal_value_usd"}, firmRows(r.Firms))
	block(csvMeetings, []string{"meeting_id", "starts_at", "ends_at", "table", "booth", "supplier_id", "supplier_name",
		"buyer_id", "buyer_name", "demand_id", "industry_group", "score", "status", "supplier_took_place", "supplier_rating",
		"buyer_took_place", "buyer_rating", "result", "value_usd"}, meetingRows(r.Meetings, loc))
	w.Flush()
	return buf.Bytes()
}

func groupRows(gs []conferences.GroupTotals, l messages.Lang) [][]string {
	var rows [][]string
	for _, g := range gs {
		rows = append(rows, []string{string(g.Group), groupLabel(l, g.Group), itoa(g.Suppliers), itoa(g.Buyers),
			itoa(g.Matches), itoa(g.Scheduled), itoa(g.Held), itoa(g.NoShow), itoa(g.MoUs), itoa(g.Contracts), money(g.ValueUSD)})
	}
	return rows
}

func firmRows(fs []conferences.FirmTotals) [][]string {
	var rows [][]string
	for _, f := range fs {
		groups := make([]string, len(f.IndustryGroups))
		for i, g := range f.IndustryGroups {
			groups[i] = string(g)
		}
		rows = append(rows, []string{f.OrganisationID.String(), cell(f.Name), string(f.Role), strings.Join(groups, " "),
			itoa(f.Matches), itoa(f.Scheduled), itoa(f.Held), itoa(f.NoShow), itoa(f.Deals), money(f.ValueUSD)})
	}
	return rows
}

func meetingRows(ms []conferences.ReportMeeting, loc *time.Location) [][]string {
	var rows [][]string
	for _, m := range ms {
		table, demand := "", ""
		if m.Table > 0 {
			table = itoa(m.Table)
		}
		if m.DemandID != nil {
			demand = m.DemandID.String()
		}
		result, value := "", ""
		if m.Outcome != nil {
			result = string(m.Outcome.Result)
			if m.Outcome.ValueUSD != nil {
				value = money(*m.Outcome.ValueUSD)
			}
		}
		sTook, sRating := feedbackCells(m.SupplierFeedback)
		bTook, bRating := feedbackCells(m.BuyerFeedback)
		rows = append(rows, []string{m.ID.String(), csvTime(m.StartsAt, loc), csvTime(m.EndsAt, loc), table, cell(m.Booth),
			m.SupplierID.String(), cell(m.SupplierName), m.BuyerID.String(), cell(m.BuyerName), demand,
			string(m.IndustryGroup), itoa(m.Score), m.Status, sTook, sRating, bTook, bRating, result, value})
	}
	return rows
}

func feedbackCells(f *conferences.Feedback) (tookPlace, rating string) {
	if f == nil {
		return "", ""
	}
	return strconv.FormatBool(f.TookPlace), string(f.Rating)
}

func itoa(n int) string { return strconv.Itoa(n) }

// money formats US dollars with cents.
func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// percent formats a rate's percentage; empty when nothing was counted.
func percent(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}

// csvTime is RFC 3339 in the venue's time.
func csvTime(t time.Time, loc *time.Location) string { return t.In(loc).Format(time.RFC3339) }

// cell guards free text against spreadsheet formula injection: a value that
// a spreadsheet would evaluate (starting with = + - @ or a tab or carriage
// return) is prefixed with an apostrophe, which Excel shows as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// groupLabel names an industry group in l (in English with the Vietnamese
// name beside it); an unknown code is shown as it is.
func groupLabel(l messages.Lang, g domain.IndustryGroup) string {
	if k := "group." + string(g); l.Has(k) {
		return l.T(k)
	}
	return string(g)
}

// groupShortLabel is groupLabel for chart axes.
func groupShortLabel(l messages.Lang, g domain.IndustryGroup) string {
	if k := "groupshort." + string(g); l.Has(k) {
		return l.T(k)
	}
	return string(g)
}
