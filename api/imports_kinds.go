package api

import (
	"context"
	"errors"
	"github.com/keylink/keylink/api/messages"
	"reflect"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/schedule"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// Column aliases, written as people head their sheets; they are compared
// ignoring case, diacritics and punctuation (see headerKey). The contract's
// field names (tax_code) and the export's Vietnamese headers are aliases too.
var (
	firmColumns = map[string][]string{
		"name":          {"Tên doanh nghiệp", "Tên công ty", "Tên", "Doanh nghiệp", "Company", "Company name", "Firm"},
		"tax_code":      {"Mã số thuế", "MST", "Mã số doanh nghiệp", "Tax code", "Enterprise code"},
		"district":      {"Quận/Huyện", "Quận huyện", "Địa bàn", "Huyện", "Quận/Huyện cũ", "Former district", "District"},
		"ward":          {"Phường/Xã", "Phường xã", "Phường", "Xã", "Xã/Phường", "Ward", "Commune", "Ward/Commune"},
		"contact.name":  {"Người liên hệ", "Contact", "Contact name"},
		"contact.email": {"Email", "E-mail", "Thư điện tử", "Email liên hệ", "Contact email"},
		"contact.phone": {"Điện thoại", "Số điện thoại", "Phone", "Contact phone"},
	}
	supplierColumns = newColumnSet([]string{"name", "tax_code"}, with(firmColumns, map[string][]string{
		"industrial_zone": {"Khu công nghiệp", "KCN", "Cụm công nghiệp", "Khu/Cụm công nghiệp", "Industrial zone"},
		"ownership":       {"Loại hình", "Loại hình doanh nghiệp", "Sở hữu", "Ownership"},
		"employees":       {"Số lao động", "Lao động", "Employees"},
	}))
	keyProductColumns = anyOf(newColumnSet([]string{"product", "recognized_year"}, map[string][]string{
		"tax_code":        firmColumns["tax_code"],
		"name":            firmColumns["name"],
		"product":         {"Sản phẩm", "Tên sản phẩm", "Sản phẩm công nghiệp chủ lực", "Product"},
		"recognized_year": {"Năm công nhận", "Năm", "Recognized year", "Recognised year", "Year"},
		"decision_no":     {"Số quyết định", "Quyết định", "Decision", "Decision no", "Decision number"},
	}), "tax_code", "name")
	buyerColumns = newColumnSet([]string{"name", "country"}, with(firmColumns, map[string][]string{
		"country":      {"Quốc gia", "Nước", "Country"},
		"parent_group": {"Tập đoàn", "Tập đoàn mẹ", "Công ty mẹ", "Parent group"},
	}))
	demandColumns = anyOf(newColumnSet([]string{"title"}, map[string][]string{
		"buyer":                   {"Bên mua", "Doanh nghiệp FDI", "Tên bên mua", "Buyer", "Buyer name"},
		"buyer_id":                {"Mã bên mua"},
		"title":                   {"Nhu cầu", "Tên nhu cầu", "Tiêu đề", "Title", "Demand"},
		"description":             {"Mô tả", "Description"},
		"industry_group":          {"Nhóm ngành", "Ngành", "Lĩnh vực", "Industry group"},
		"vsic":                    {"Mã ngành", "Mã VSIC", "VSIC"},
		"hs_codes":                {"Mã HS", "HS", "HS code", "HS codes"},
		"processes":               {"Công nghệ", "Quy trình", "Công đoạn", "Processes"},
		"materials":               {"Vật liệu", "Nguyên liệu", "Materials"},
		"required_certifications": {"Chứng chỉ yêu cầu", "Chứng nhận yêu cầu", "Chứng chỉ", "Required certifications"},
		"volume.quantity":         {"Sản lượng", "Số lượng", "Sản lượng/tháng", "Quantity", "Volume"},
		"volume.unit":             {"Đơn vị", "Đơn vị tính", "ĐVT", "Unit"},
		"max_lead_time_days":      {"Thời gian giao hàng tối đa", "Thời gian giao hàng (ngày)", "Max lead time", "Max lead time days", "Lead time"},
		"needed_by":               {"Cần trước ngày", "Thời hạn", "Hạn", "Needed by"},
	}), "buyer", "buyer_id")
	registrationColumns = anyOf(newColumnSet(nil, map[string][]string{
		"organisation_id":      {"Mã tổ chức", "Organisation", "Organization id", "Organization"},
		"tax_code":             firmColumns["tax_code"],
		"name":                 firmColumns["name"],
		"booth":                {"Gian hàng", "Số gian hàng", "Booth"},
		"sme":                  {"Doanh nghiệp nhỏ và vừa", "DNNVV", "SME"},
		"interpreter_language": {"Phiên dịch", "Ngôn ngữ phiên dịch", "Interpreter", "Interpreter language"},
	}), "organisation_id", "tax_code", "name")
)

// anyOf returns cs requiring one of keys in a header row.
func anyOf(cs columnSet, keys ...string) columnSet {
	cs.anyOf = keys
	return cs
}

// with returns base and more together.
func with(base, more map[string][]string) map[string][]string {
	out := make(map[string][]string, len(base)+len(more))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

// keyColumns name, per kind, the column an error that is not about one
// field (a conflict) is reported on.
var keyColumns = map[string]string{importSuppliers: "tax_code", importKeyProducts: "product", importBuyers: "name",
	importDemands: "title", importRegistrations: "booth"}

// errUnchanged stops a command whose row asks for what is already so:
// nothing is appended.
var errUnchanged = errors.New("unchanged")

// outcome turns the result of a row's command into what became of it.
func (j *importJob) outcome(res eventstore.AppendResult, err error, done int) (int, error) {
	switch {
	case errors.Is(err, errUnchanged):
		return rowUnchanged, nil
	case err != nil:
		return rowFailed, err
	}
	j.appended(res)
	return done, nil
}

// each runs apply on every row, recording row errors and counting
// outcomes; a database error ends the import.
func (j *importJob) each(apply func(i int, row sheetRow) (int, error)) error {
	for i, row := range j.table.Rows {
		before := len(j.report.Errors)
		out, err := apply(i, row)
		if err != nil {
			if !isRowError(err) {
				return err
			}
			j.failWith(row, keyColumns[j.kind], err)
		}
		if len(j.report.Errors) > before {
			out = rowFailed
		}
		j.rowDone(i, out)
	}
	return nil
}

// firstSeen reports a row whose natural key an earlier row of the file
// already has.
func (j *importJob) firstSeen(seen map[string]int, key string, row sheetRow, col string) bool {
	if first, ok := seen[key]; ok {
		j.failf(row, col, "repeats row %d", first)
		return false
	}
	seen[key] = row.Line
	return true
}

// taxCode reads a tax code cell; a 9-digit number is a code whose leading
// zero a numeric cell dropped.
func taxCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 9 && strings.Trim(s, "0123456789") == "" {
		return "0" + s
	}
	return s
}

// owners maps tax codes to the streams that claimed them.
func owners(ctx context.Context, tx *eventstore.Tx, codes []string) (map[string]string, error) {
	return tx.ClaimOwners(ctx, claimTaxCode, codes)
}

// ownerID is the id of the supplier owning a claimed stream name.
func ownerID(stream, streamType string) (uuid.UUID, bool) {
	rest, ok := strings.CutPrefix(stream, streamType+"-")
	if !ok {
		return uuid.Nil, false
	}
	id, err := uuid.Parse(rest)
	return id, err == nil
}

// firmsByName maps folded names (see headerKey) to the firms of a stream
// type holding them, from their latest profile events.
func firmsByName(ctx context.Context, tx *eventstore.Tx, streamType string, types ...string) (map[string][]uuid.UUID, error) {
	names, err := tx.LatestField(ctx, streamType, "name", types)
	if err != nil {
		return nil, err
	}
	out := map[string][]uuid.UUID{}
	for stream, name := range names {
		if id, ok := ownerID(stream, streamType); ok {
			out[headerKey(name)] = append(out[headerKey(name)], id)
		}
	}
	return out, nil
}

func (j *importJob) codes() []string {
	var out []string
	for _, r := range j.table.Rows {
		if c := taxCode(r.Cells["tax_code"]); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// suppliers registers firms whose tax code is new and revises the others.
func (j *importJob) suppliers(ctx context.Context, tx *eventstore.Tx) error {
	own, err := owners(ctx, tx, j.codes())
	if err != nil {
		return err
	}
	seen := map[string]int{}
	return j.each(func(_ int, row sheetRow) (int, error) {
		reg, ok := j.supplierRow(row)
		if !ok || !j.firstSeen(seen, reg.TaxCode, row, "tax_code") {
			return rowFailed, nil
		}
		owner, exists := own[reg.TaxCode]
		if !exists {
			id := uuid.Must(uuid.NewV7())
			sup, err := supplier.Register(id, reg)
			if err != nil {
				return rowFailed, err
			}
			if err := tx.Claim(ctx, claimTaxCode, sup.TaxCode(), supplierStream(id)); err != nil {
				return rowFailed, claimed(err, "tax_code", "a supplier with this tax code is registered")
			}
			res, err := suppliers.Create(ctx, tx, id, sup)
			return j.outcome(res, err, rowCreated)
		}
		id, ok := ownerID(owner, supplier.StreamType)
		if !ok {
			return rowFailed, domain.Errorf(domain.ErrConflict, "this tax code belongs to a buyer")
		}
		res, err := suppliers.Update(ctx, tx, id, nil, func(sup *supplier.Supplier) error {
			before := sup.Profile()
			if err := sup.ReviseProfile(reg); err != nil {
				return err
			}
			if reflect.DeepEqual(before, sup.Profile()) {
				return errUnchanged
			}
			return nil
		})
		return j.outcome(res, err, rowUpdated)
	})
}

func (j *importJob) supplierRow(row sheetRow) (supplier.Registration, bool) {
	c := row.Cells
	reg := supplier.Registration{Name: c["name"], TaxCode: taxCode(c["tax_code"]), District: c["district"], Ward: c["ward"],
		IndustrialZone: c["industrial_zone"], Ownership: ownership(c["ownership"]),
		Contact: domain.Contact{Name: c["contact.name"], Email: c["contact.email"], Phone: c["contact.phone"]}}
	ok := true
	if v := c["employees"]; v != "" {
		n, isInt := cellInt(v)
		if !isInt {
			j.failf(row, "employees", "must be a whole number")
			ok = false
		}
		reg.Employees = &n
	}
	return reg, ok
}

// ownership reads an ownership as a code or in Vietnamese.
func ownership(s string) domain.Ownership {
	switch headerKey(s) {
	case "domestic", "trong nuoc", "noi dia", "doanh nghiep trong nuoc", "viet nam":
		return domain.Domestic
	case "fdi", "von dau tu nuoc ngoai", "nuoc ngoai", "doanh nghiep fdi", "foreign":
		return domain.FDI
	case "joint venture", "lien doanh", "lien doanh lien ket":
		return domain.JointVenture
	}
	return domain.Ownership(strings.TrimSpace(s))
}

// keyProducts records recognitions for suppliers named by tax code. The
// same product (ignoring case) and year again is unchanged; the same with
// another decision number is an error, since a recognition is not revised.
func (j *importJob) keyProducts(ctx context.Context, tx *eventstore.Tx) error {
	own, err := owners(ctx, tx, j.codes())
	if err != nil {
		return err
	}
	byName, err := firmsByName(ctx, tx, supplier.StreamType, supplier.Registered{}.EventType(), supplier.ProfileRevised{}.EventType())
	if err != nil {
		return err
	}
	seen := map[string]int{}
	return j.each(func(_ int, row sheetRow) (int, error) {
		c := row.Cells
		code := taxCode(c["tax_code"])
		kp := supplier.KeyProduct{Product: c["product"], DecisionNo: c["decision_no"]}
		year, ok := cellInt(c["recognized_year"])
		if !ok {
			j.failf(row, "recognized_year", "must be a year such as 2024")
			return rowFailed, nil
		}
		kp.RecognizedYear = year
		id, found := j.supplierOf(row, code, own, byName)
		if !found {
			return rowFailed, nil
		}
		if !j.firstSeen(seen, id.String()+"\x00"+headerKey(kp.Product)+"\x00"+strconv.Itoa(year), row, "product") {
			return rowFailed, nil
		}
		res, err := suppliers.Update(ctx, tx, id, nil, func(sup *supplier.Supplier) error {
			for _, k := range sup.KeyProducts() {
				if k.RecognizedYear != year || !strings.EqualFold(k.Product, strings.TrimSpace(kp.Product)) {
					continue
				}
				if k.DecisionNo == strings.TrimSpace(kp.DecisionNo) {
					return errUnchanged
				}
				return invalid("decision_no", "this product was recognised in %d by decision %q; a recognition is not revised", year, k.DecisionNo)
			}
			return sup.RecogniseKeyProduct(kp)
		})
		return j.outcome(res, err, rowCreated)
	})
}

// supplierOf finds the supplier a row names: by tax code, or by name
// (ignoring case and diacritics) when the row has no tax code.
func (j *importJob) supplierOf(row sheetRow, code string, own map[string]string, byName map[string][]uuid.UUID) (uuid.UUID, bool) {
	if code != "" {
		id, ok := ownerID(own[code], supplier.StreamType)
		if !ok {
			j.failf(row, "tax_code", "no supplier has this tax code; import the suppliers first")
		}
		return id, ok
	}
	switch ids := byName[headerKey(row.Cells["name"])]; {
	case row.Cells["name"] == "":
		j.failf(row, "tax_code", "is required (or the firm's name)")
	case len(ids) == 1:
		return ids[0], true
	case len(ids) == 0:
		j.failf(row, "name", "no supplier has this name; import the suppliers first")
	default:
		j.failf(row, "name", "several suppliers have this name; give the tax code")
	}
	return uuid.Nil, false
}

// buyers registers buyers whose name (ignoring case and diacritics) is new.
// A known buyer whose row says the same is unchanged; one whose row
// differs is an error, since the domain has no command to revise a buyer's
// profile.
func (j *importJob) buyers(ctx context.Context, tx *eventstore.Tx) error {
	known, err := firmsByName(ctx, tx, buyer.StreamType, buyer.Registered{}.EventType())
	if err != nil {
		return err
	}
	seen := map[string]int{}
	return j.each(func(_ int, row sheetRow) (int, error) {
		c := row.Cells
		reg := buyer.Registration{Name: c["name"], Country: c["country"], ParentGroup: c["parent_group"], District: c["district"],
			Ward:    c["ward"],
			Contact: domain.Contact{Name: c["contact.name"], Email: c["contact.email"], Phone: c["contact.phone"]}}
		id := uuid.Must(uuid.NewV7())
		b, err := buyer.Register(id, reg)
		if err != nil {
			return rowFailed, err
		}
		key := headerKey(reg.Name)
		if !j.firstSeen(seen, key, row, "name") {
			return rowFailed, nil
		}
		switch ids := known[key]; len(ids) {
		case 0:
			res, err := buyers.Create(ctx, tx, id, b)
			return j.outcome(res, err, rowCreated)
		case 1:
			res, err := buyers.Update(ctx, tx, ids[0], nil, func(old *buyer.Buyer) error {
				p := b.Profile()
				p.Name = old.Name() // the same name but for case or diacritics
				if reflect.DeepEqual(old.Profile(), p) {
					return errUnchanged
				}
				return invalid(differing(old.Profile(), p), "differs from the registered buyer of this name; a buyer's profile is not revised by import")
			})
			return j.outcome(res, err, rowUpdated)
		default:
			j.failf(row, "name", "several buyers have this name")
			return rowFailed, nil
		}
	})
}

// differing names the first field in which two buyer profiles differ.
func differing(a, b buyer.Registration) string {
	switch {
	case a.Country != b.Country:
		return "country"
	case a.ParentGroup != b.ParentGroup:
		return "parent_group"
	case a.District != b.District:
		return "district"
	case a.Ward != b.Ward:
		return "ward"
	case a.Contact.Name != b.Contact.Name:
		return "contact.name"
	case a.Contact.Email != b.Contact.Email:
		return "contact.email"
	case a.Contact.Phone != b.Contact.Phone:
		return "contact.phone"
	}
	return "name"
}

// demands posts a buyer's demands; a demand of that buyer with the same
// title (ignoring case and diacritics) is revised instead, or unchanged.
// A closed demand is left closed.
func (j *importJob) demands(ctx context.Context, tx *eventstore.Tx) error {
	known, err := firmsByName(ctx, tx, buyer.StreamType, buyer.Registered{}.EventType())
	if err != nil {
		return err
	}
	seen := map[string]int{}
	return j.each(func(_ int, row sheetRow) (int, error) {
		d, ok := j.demandRow(row)
		ids := known[headerKey(row.Cells["buyer"])]
		if raw := row.Cells["buyer_id"]; raw != "" {
			id, err := uuid.Parse(raw)
			if err != nil {
				j.failf(row, "buyer_id", "must be a UUID")
				return rowFailed, nil
			}
			ids = []uuid.UUID{id}
		}
		switch {
		case len(ids) == 0:
			j.failf(row, "buyer", "no buyer has this name; import the buyers first")
			return rowFailed, nil
		case len(ids) > 1:
			j.failf(row, "buyer", "several buyers have this name")
			return rowFailed, nil
		case !ok || !j.firstSeen(seen, ids[0].String()+"\x00"+headerKey(d.Title), row, "title"):
			return rowFailed, nil
		}
		out := rowCreated
		res, err := buyers.Update(ctx, tx, ids[0], nil, func(b *buyer.Buyer) error {
			for _, did := range b.DemandIDs() {
				spec, _ := b.Demand(did)
				if headerKey(spec.Title) != headerKey(d.Title) {
					continue
				}
				if !b.HasOpenDemand(did) {
					return errUnchanged
				}
				if err := b.ReviseDemand(did, d); err != nil {
					return err
				}
				if after, _ := b.Demand(did); reflect.DeepEqual(spec, after) {
					return errUnchanged
				}
				out = rowUpdated
				return nil
			}
			return b.PostDemand(uuid.Must(uuid.NewV7()), d)
		})
		if errors.Is(err, domain.ErrNotFound) && row.Cells["buyer_id"] != "" {
			j.failf(row, "buyer_id", "no buyer has this id")
			return rowFailed, nil
		}
		return j.outcome(res, err, out)
	})
}

func (j *importJob) demandRow(row sheetRow) (buyer.Demand, bool) {
	c := row.Cells
	d := buyer.Demand{Title: c["title"], Description: c["description"], IndustryGroup: industryGroup(c["industry_group"]),
		VSIC: c["vsic"], HSCodes: cellList(c["hs_codes"]), Processes: cellList(c["processes"]), Materials: cellList(c["materials"]),
		RequiredCertifications: cellList(c["required_certifications"]),
		Volume:                 domain.Rate{Unit: unit(c["volume.unit"]), Per: "month"}}
	ok := true
	if v := c["volume.quantity"]; v != "" {
		q, isNum := cellNumber(v)
		if !isNum {
			j.failf(row, "volume.quantity", "must be a number")
			ok = false
		}
		d.Volume.Quantity = q
	}
	if v := c["max_lead_time_days"]; v != "" {
		n, isInt := cellInt(v)
		if !isInt {
			j.failf(row, "max_lead_time_days", "must be a whole number of days")
			ok = false
		}
		d.MaxLeadTimeDays = &n
	}
	if v := c["needed_by"]; v != "" {
		date, isDate := cellDate(v)
		if !isDate {
			j.failf(row, "needed_by", "must be a date (YYYY-MM-DD or DD/MM/YYYY)")
			ok = false
		}
		d.NeededBy = date
	}
	return d, ok
}

// industryGroup reads an industry group as its code or its English or
// Vietnamese name.
func industryGroup(s string) domain.IndustryGroup {
	k := headerKey(s)
	for _, g := range domain.IndustryGroups {
		en, vi := groupLabel(messages.EN, g), groupLabel(messages.VI, g)
		if k == headerKey(string(g)) || k == headerKey(en) || k == headerKey(vi) || k == headerKey(en+" ("+vi+")") {
			return g
		}
	}
	return domain.IndustryGroup(strings.TrimSpace(s))
}

// unit reads a unit as its code or as Vietnamese writes it.
func unit(s string) domain.Unit {
	s = strings.NewReplacer("²", "2", "³", "3").Replace(s)
	switch headerKey(s) {
	case "cai", "chiec", "san pham", "pcs", "pc", "piece", "pieces":
		return "pcs"
	case "bo", "sets", "set":
		return "sets"
	case "tan", "t", "tonne", "tonnes", "ton":
		return "t"
	case "lit", "l", "litre", "liter":
		return "l"
	case "met", "m":
		return "m"
	case "m2", "met vuong":
		return "m2"
	case "m3", "met khoi":
		return "m3"
	}
	return domain.Unit(strings.ToLower(strings.TrimSpace(s)))
}

// registrations registers firms for the event given by event_id. A firm
// is named by organisation_id, by tax code (a supplier) or by name; one
// already registered is unchanged.
func (j *importJob) registrations(ctx context.Context, tx *eventstore.Tx) error {
	own, err := owners(ctx, tx, j.codes())
	if err != nil {
		return err
	}
	byName, err := firmsByName(ctx, tx, buyer.StreamType, buyer.Registered{}.EventType())
	if err != nil {
		return err
	}
	suppliers, err := firmsByName(ctx, tx, supplier.StreamType, supplier.Registered{}.EventType(), supplier.ProfileRevised{}.EventType())
	if err != nil {
		return err
	}
	for k, ids := range suppliers {
		byName[k] = append(byName[k], ids...)
	}
	res, err := conferenceRepo.Update(ctx, tx, j.eventID, nil, func(conf *conference.Conference) error {
		err := j.each(func(_ int, row sheetRow) (int, error) {
			org, ok := j.organisation(row, own, byName)
			if !ok {
				return rowFailed, nil
			}
			if _, done := conf.Registration(org); done {
				return rowUnchanged, nil
			}
			// An empty SME cell leaves the flag to the supplier's profile,
			// as a registration through the API without "sme" does.
			var in registrationInput
			if cell := strings.TrimSpace(row.Cells["sme"]); cell != "" {
				sme := yes(cell)
				in.SME = &sme
			}
			reg := conference.Registration{OrganisationID: org, Booth: row.Cells["booth"], SME: in.SME != nil && *in.SME,
				InterpreterLanguage: schedule.Language(strings.ToUpper(strings.TrimSpace(row.Cells["interpreter_language"])))}
			reg, err := withRole(ctx, tx, reg, in)
			if errors.Is(err, domain.ErrNotFound) {
				j.failf(row, "organisation_id", "no supplier or buyer has this id")
				return rowFailed, nil
			}
			if err != nil {
				return rowFailed, err
			}
			if err := conf.Register(conference.AsOrganiser(), reg, j.s.now()); err != nil {
				return rowFailed, err
			}
			return rowCreated, nil
		})
		if err != nil {
			return err
		}
		if len(conf.Changes()) == 0 {
			return errUnchanged
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return nil
	}
	j.appended(res)
	return err
}

// organisation finds the firm a registration row names.
func (j *importJob) organisation(row sheetRow, own map[string]string, byName map[string][]uuid.UUID) (uuid.UUID, bool) {
	c := row.Cells
	switch {
	case c["organisation_id"] != "":
		id, err := uuid.Parse(c["organisation_id"])
		if err != nil {
			j.failf(row, "organisation_id", "must be a UUID")
			return uuid.Nil, false
		}
		return id, true
	case c["tax_code"] != "":
		id, ok := ownerID(own[taxCode(c["tax_code"])], supplier.StreamType)
		if !ok {
			j.failf(row, "tax_code", "no supplier has this tax code")
		}
		return id, ok
	case c["name"] != "":
		ids := byName[headerKey(c["name"])]
		switch len(ids) {
		case 0:
			j.failf(row, "name", "no firm has this name")
		case 1:
			return ids[0], true
		default:
			j.failf(row, "name", "several firms have this name; give the tax code or organisation_id")
		}
		return uuid.Nil, false
	}
	j.failf(row, "organisation_id", "is required (or a tax code or a firm name)")
	return uuid.Nil, false
}

// yes reads a yes/no cell.
func yes(s string) bool {
	switch headerKey(s) {
	case "x", "yes", "y", "true", "1", "co", "dung":
		return true
	}
	return false
}
