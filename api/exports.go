package api

import (
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/matching"
	"github.com/keylink/keylink/projections/conferences"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/matches"
	"github.com/keylink/keylink/projections/search"
)

// maxExportRows bounds a directory export: as many rows as an import takes.
const maxExportRows = maxImportRows

// exportFormat reads ?format= of a list that also answers JSON: "" or json
// is JSON (false), csv or xlsx an export (true).
func exportFormat(c echo.Context) (string, bool, error) {
	switch f := c.QueryParam("format"); f {
	case "", formatJSON:
		return formatJSON, false, nil
	case formatCSV, formatXLSX:
		return f, true, nil
	}
	return "", false, invalid("format", "must be json, csv or xlsx")
}

// reportSheets are the report's tables, one sheet each; the section names
// are those of ?format=csv&section=.
func reportSheets(r conferences.Report) []sheet {
	loc := r.Event.StartsAt.Location()
	at := func(t time.Time) any { return localTime{t, loc} }
	t := r.Totals
	rate := func(name string, x conferences.Rate) []any {
		var pct any
		if x.Percent != nil {
			pct = *x.Percent
		}
		return []any{name, x.Numerator, x.Denominator, pct}
	}
	var groups, slots, funnel, firms, meetings [][]any
	for _, g := range r.IndustryGroups {
		groups = append(groups, []any{string(g.Group), groupLabel(messages.EN, g.Group), g.Suppliers, g.Buyers, g.Matches, g.Scheduled,
			g.Held, g.NoShow, g.MoUs, g.Contracts, g.ValueUSD})
	}
	for _, s := range r.Slots {
		slots = append(slots, []any{s.Index, at(s.StartsAt), s.Scheduled, s.Held})
	}
	for _, f := range r.Funnel {
		funnel = append(funnel, []any{f.Stage, f.Count})
	}
	for _, f := range r.Firms {
		firms = append(firms, []any{f.OrganisationID.String(), f.Name, string(f.Role), groupCodes(f.IndustryGroups),
			f.Matches, f.Scheduled, f.Held, f.NoShow, f.Deals, f.ValueUSD})
	}
	for _, m := range r.Meetings {
		var result, value any
		if m.Outcome != nil {
			result = string(m.Outcome.Result)
			if m.Outcome.ValueUSD != nil {
				value = *m.Outcome.ValueUSD
			}
		}
		sTook, sRating := feedbackValues(m.SupplierFeedback)
		bTook, bRating := feedbackValues(m.BuyerFeedback)
		meetings = append(meetings, []any{m.ID.String(), at(m.StartsAt), at(m.EndsAt), tableNo(m.Table), m.Booth,
			m.SupplierID.String(), m.SupplierName, m.BuyerID.String(), m.BuyerName, optionalUUID(m.DemandID),
			string(m.IndustryGroup), m.Score, m.Status, sTook, sRating, bTook, bRating, result, value})
	}
	return []sheet{
		{Name: "event", Title: label{"Event", "Sự kiện"}, Columns: cols("field:Mục", "value:Giá trị"), Rows: [][]any{
			{"event_id", r.Event.ID.String()}, {"name", r.Event.Name}, {"kind", string(r.Event.Kind)},
			{"venue", r.Event.Venue}, {"starts_at", at(r.Event.StartsAt)}, {"ends_at", at(r.Event.EndsAt)}}},
		{Name: "totals", Title: label{"Totals", "Tổng hợp"}, Columns: cols("metric:Chỉ tiêu", "value:Giá trị"), Rows: [][]any{
			{"registered_suppliers", t.Suppliers}, {"registered_buyers", t.Buyers}, {"matches", t.Matches},
			{"requests", t.Requests}, {"requests_accepted", t.RequestsAccepted}, {"requests_declined", t.RequestsDeclined},
			{"requests_pending", t.RequestsPending}, {"meetings_scheduled", t.Scheduled}, {"meetings_held", t.Held},
			{"meetings_no_show", t.NoShow}, {"meetings_unreported", t.Unreported}, {"feedback_given", t.Feedback},
			{"rated_no_interest", t.NoInterest}, {"rated_informative", t.Informative},
			{"rated_cooperation_possible", t.CooperationPossible}, {"follow_ups", t.FollowUps},
			{"mous", t.MoUs}, {"contracts", t.Contracts}, {"deal_value_usd", t.ValueUSD}}},
		{Name: "rates", Title: label{"Rates", "Tỷ lệ"}, Columns: cols("rate:Tỷ lệ", "numerator:Tử số", "denominator:Mẫu số", "percent:Phần trăm"),
			Rows: [][]any{rate("acceptance", r.Rates.Acceptance), rate("kept_meetings", r.Rates.Kept), rate("deal", r.Rates.Deal)}},
		{Name: "industry_groups", Title: label{"By industry group", "Theo nhóm ngành"}, Columns: cols("industry_group:Nhóm ngành",
			"label:Tên nhóm ngành", "suppliers:Doanh nghiệp cung ứng", "buyers:Bên mua", "matches:Kết nối",
			"meetings_scheduled:Cuộc gặp đã xếp", "meetings_held:Cuộc gặp đã diễn ra", "meetings_no_show:Vắng mặt",
			"mous:Biên bản ghi nhớ", "contracts:Hợp đồng", "deal_value_usd:Giá trị (USD)"), Rows: groups},
		{Name: "slots", Title: label{"Meetings per slot", "Cuộc gặp theo khung giờ"}, Columns: cols("slot:Khung giờ", "starts_at:Bắt đầu",
			"meetings_scheduled:Cuộc gặp đã xếp", "meetings_held:Cuộc gặp đã diễn ra"), Rows: slots},
		{Name: "funnel", Title: label{"Funnel", "Phễu kết nối"}, Columns: cols("stage:Giai đoạn", "count:Số lượng"), Rows: funnel},
		{Name: "firms", Title: label{"Firms", "Doanh nghiệp"}, Columns: cols("organisation_id:Mã tổ chức", "name:Tên doanh nghiệp",
			"role:Vai trò", "industry_groups:Nhóm ngành", "matches:Kết nối", "meetings_scheduled:Cuộc gặp đã xếp",
			"meetings_held:Cuộc gặp đã diễn ra", "meetings_no_show:Vắng mặt", "deals:Thỏa thuận", "deal_value_usd:Giá trị (USD)"), Rows: firms},
		{Name: "meetings", Title: label{"Meetings", "Cuộc gặp"}, Columns: meetingColumns(
			"status:Tình trạng", "supplier_took_place:Bên cung ứng xác nhận", "supplier_rating:Bên cung ứng đánh giá",
			"buyer_took_place:Bên mua xác nhận", "buyer_rating:Bên mua đánh giá", "result:Kết quả", "value_usd:Giá trị (USD)"),
			Rows: meetings},
	}
}

// cols builds columns from "key:Vietnamese header" pairs.
func cols(specs ...string) []column {
	out := make([]column, len(specs))
	for i, s := range specs {
		key, vi, _ := strings.Cut(s, ":")
		out[i] = column{Key: key, VI: vi}
	}
	return out
}

// meetingColumns are a meeting's columns, then more.
func meetingColumns(more ...string) []column {
	return cols(append([]string{"meeting_id:Mã cuộc gặp", "starts_at:Bắt đầu", "ends_at:Kết thúc", "table:Bàn", "booth:Gian hàng",
		"supplier_id:Mã bên cung ứng", "supplier_name:Bên cung ứng", "buyer_id:Mã bên mua", "buyer_name:Bên mua",
		"demand_id:Mã nhu cầu", "industry_group:Nhóm ngành", "score:Điểm"}, more...)...)
}

func groupCodes(gs []domain.IndustryGroup) string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = string(g)
	}
	return strings.Join(out, " ")
}

func feedbackValues(f *conferences.Feedback) (tookPlace, rating any) {
	if f == nil {
		return nil, nil
	}
	return f.TookPlace, string(f.Rating)
}

// tableNo is a table number, empty at a fair (booths instead).
func tableNo(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func optionalUUID(id *uuid.UUID) any {
	if id == nil {
		return nil
	}
	return id.String()
}

// supplierSheets are the directory's tables: the suppliers, with the
// columns POST /v1/imports?kind=suppliers reads, and their key products,
// with those of kind=key_products; an export imports back unchanged.
func supplierSheets(list []directory.SupplierExport) []sheet {
	var sups, kps [][]any
	for _, s := range list {
		var emp any
		if s.Employees != nil {
			emp = *s.Employees
		}
		sups = append(sups, []any{s.Name, s.TaxCode, s.District, s.Ward, s.IndustrialZone, string(s.Ownership), emp,
			s.Contact.Name, s.Contact.Email, s.Contact.Phone, groupCodes(s.IndustryGroups), len(s.KeyProducts),
			s.CapabilityCount, s.ID.String()})
		for _, k := range s.KeyProducts {
			kps = append(kps, []any{s.TaxCode, s.Name, k.Product, k.RecognizedYear, k.DecisionNo})
		}
	}
	return []sheet{
		{Name: "suppliers", Title: label{"Suppliers", "Doanh nghiệp"}, Columns: cols("name:Tên doanh nghiệp", "tax_code:Mã số thuế",
			"district:Quận/Huyện", "ward:Phường/Xã", "industrial_zone:Khu công nghiệp", "ownership:Loại hình", "employees:Số lao động",
			"contact_name:Người liên hệ", "contact_email:Email", "contact_phone:Điện thoại", "industry_groups:Nhóm ngành",
			"key_product_count:Số sản phẩm chủ lực", "capability_count:Số năng lực", "id:Mã doanh nghiệp"), Rows: sups},
		{Name: "key_products", Title: label{"Key products", "Sản phẩm chủ lực"}, Columns: cols("tax_code:Mã số thuế",
			"name:Tên doanh nghiệp", "product:Sản phẩm", "recognized_year:Năm công nhận", "decision_no:Số quyết định"), Rows: kps},
	}
}

// matchSheets is a demand's match list as one table, best first.
func matchSheets(list matches.DemandMatchList) []sheet {
	var rows [][]any
	for i, m := range list.Matches {
		rows = append(rows, []any{i + 1, m.SupplierName, m.Score, notes(m.Reasons), notes(m.Gaps),
			m.SupplierID.String(), m.CapabilityID.String()})
	}
	return []sheet{{Name: "matches", Title: label{"Matches", "Kết nối"}, Columns: cols("rank:Thứ hạng",
		"supplier_name:Bên cung ứng", "score:Điểm", "reasons:Lý do phù hợp", "gaps:Điểm còn thiếu",
		"supplier_id:Mã bên cung ứng", "capability_id:Mã năng lực"), Rows: rows}}
}

// notes joins match notes, one a line.
func notes(ns []matching.Note) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Detail
	}
	return strings.Join(out, "\n")
}

// scheduleSheets are the published meetings and, for the organiser, the
// draft and the pairs it left out.
func scheduleSheets(v scheduleView, loc *time.Location) []sheet {
	meetingRows := func(ms []conferences.Meeting) [][]any {
		var rows [][]any
		for _, m := range ms {
			rows = append(rows, []any{m.ID.String(), localTime{m.StartsAt, loc}, localTime{m.EndsAt, loc}, tableNo(m.Table), m.Booth,
				m.SupplierID.String(), m.SupplierName, m.BuyerID.String(), m.BuyerName, optionalUUID(m.DemandID), nil, m.Score,
				m.State, m.Locked})
		}
		return rows
	}
	more := []string{"state:Trạng thái", "locked:Đã khóa"}
	out := []sheet{{Name: "meetings", Title: label{"Meetings", "Lịch gặp"}, Columns: meetingColumns(more...), Rows: meetingRows(v.Meetings)}}
	if v.Proposal != nil {
		var left [][]any
		for _, u := range v.Proposal.Unscheduled {
			left = append(left, []any{u.SupplierID.String(), u.BuyerID.String(), optionalUUID(u.DemandID), u.Score, u.Requested, string(u.Reason)})
		}
		out = append(out,
			sheet{Name: "proposal", Title: label{"Draft", "Lịch dự kiến"}, Columns: meetingColumns(more...), Rows: meetingRows(v.Proposal.Meetings)},
			sheet{Name: "unscheduled", Title: label{"Not scheduled", "Chưa xếp lịch"}, Columns: cols("supplier_id:Mã bên cung ứng",
				"buyer_id:Mã bên mua", "demand_id:Mã nhu cầu", "score:Điểm", "requested:Được đề nghị", "reason:Lý do"), Rows: left})
	}
	return out
}

// exportSuppliers answers GET /v1/suppliers?format=csv|xlsx: every
// supplier the query finds (limit and cursor ignored), at most
// maxExportRows.
func (s *Server) exportSuppliers(c echo.Context, q search.SupplierQuery, format string, err error) error {
	if err != nil {
		return err
	}
	list, truncated, err := directory.ExportSuppliers(c.Request().Context(), s.pool, q, maxExportRows)
	if err != nil {
		return unavailable(err)
	}
	if truncated {
		return invalid("format", "an export holds at most 50000 suppliers; narrow the query")
	}
	return exportFile(c, "suppliers", format, supplierSheets(list))
}
