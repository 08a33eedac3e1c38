package console

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// lang is the language of a page: "vi" (the default) or "en".
type lang string

const (
	vi lang = "vi"
	en lang = "en"
)

// langCookie remembers the language a user switched to.
const langCookie = "kl_lang"

// pickLang chooses the page's language: ?lang= first (remembered in a
// cookie), then that cookie, then Accept-Language, else Vietnamese.
func pickLang(w http.ResponseWriter, r *http.Request) lang {
	if q := r.URL.Query().Get("lang"); q == "vi" || q == "en" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return lang(q)
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "vi" || c.Value == "en") {
		return lang(c.Value)
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "vi" || strings.HasPrefix(tag, "vi-"):
			return vi
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return en
		}
	}
	return vi
}

// T is the text of key in l, English when l lacks it, the key itself when
// both do.
func (l lang) T(key string) string {
	if l == vi {
		if s, ok := viText[key]; ok {
			return s
		}
	}
	if s, ok := enText[key]; ok {
		return s
	}
	return key
}

// Number writes v with grouped digits: 1.234.567 in Vietnamese, 1,234,567
// in English; at most two decimals.
func (l lang) Number(v float64) string {
	group, dec := ",", "."
	if l == vi {
		group, dec = ".", ","
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if v < 0 && (whole != "0" || frac != "") {
		b.WriteByte('-')
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

// Date writes a day: 04/12/2026 in Vietnamese, 2026-12-04 in English.
func (l lang) Date(t time.Time) string {
	if l == vi {
		return t.Format("02/01/2006")
	}
	return t.Format(time.DateOnly)
}

// DateTime writes a day and a time of day.
func (l lang) DateTime(t time.Time) string {
	return l.Date(t) + " " + t.Format("15:04")
}

// Other is the language the switch link offers.
func (l lang) Other() lang {
	if l == vi {
		return en
	}
	return vi
}

// Name is the language's own name, for the switch link.
func (l lang) Name() string {
	if l == vi {
		return "Tiếng Việt"
	}
	return "English"
}

// fieldMessage renders a validation message of the domain (always English,
// as the API writes it) in l. The domain's messages are few and fixed; an
// unknown one keeps its English text after a generic Vietnamese lead.
func (l lang) fieldMessage(msg string) string {
	if l != vi {
		return msg
	}
	if s, ok := viMessages[msg]; ok {
		return s
	}
	for _, p := range viMessagePrefixes {
		if rest, ok := strings.CutPrefix(msg, p[0]); ok {
			return p[1] + rest
		}
	}
	return "không hợp lệ: " + msg
}

var viMessages = map[string]string{
	"is required":                                   "bắt buộc phải nhập",
	"must be > 0":                                   "phải lớn hơn 0",
	"must be < 1e15":                                "quá lớn",
	"must be > 0 and < 1e15":                        "phải lớn hơn 0",
	"must be a number":                              "phải là một số",
	"must be a whole number":                        "phải là một số nguyên",
	"must be a real date YYYY-MM-DD":                "phải là một ngày có thật (ngày/tháng/năm)",
	"must be a VSIC code of 4 or 5 digits":          "phải là mã VSIC gồm 4 hoặc 5 chữ số",
	"must be an ISO 3166-1 alpha-2 country code":    "phải là mã quốc gia 2 chữ cái (ISO 3166-1), ví dụ JP, KR",
	"must be \"month\"":                             "phải tính theo tháng",
	"must be one of pcs, sets, kg, t, m, m2, m3, l": "phải chọn một đơn vị trong danh sách",
	"must be an HS code of 4 to 10 digits, dots allowed between digits": "phải là mã HS gồm 4 đến 10 chữ số",
	"must be an e-mail address":                                         "phải là một địa chỉ e-mail",
	"must not contain control characters":                               "không được chứa ký tự điều khiển",
}

var viMessagePrefixes = [][2]string{
	{"must be one of ", "phải chọn một giá trị trong danh sách: "},
	{"must be between ", "phải nằm trong khoảng "},
	{"must have at most ", "tối đa "},
	{"must be at most ", "tối đa "},
}

// enText holds every key; viText its Vietnamese translation.
var enText = map[string]string{
	"app":              "KeyLink",
	"tagline":          "Connecting Hanoi's manufacturers with FDI buyers",
	"signin":           "Sign in",
	"signin.title":     "Sign in to KeyLink",
	"signin.firm":      "Suppliers and buyers",
	"signin.organiser": "Organisers",
	"signin.token":     "Organiser token",
	"signin.tokenhelp": "Print one on the server with: keylink token issue --role organiser --name NAME",
	"signin.bad":       "Wrong e-mail or password.",
	"signin.badtoken":  "This token is not a valid organiser token.",
	"signout":          "Sign out",
	"email":            "E-mail",
	"password":         "Password",
	"csrf":             "The form expired. Reload the page and try again.",
	"forbidden":        "You may not open this page.",
	"conflict":         "This conflicts with the current state; reload the page.",
	"notfound":         "There is no such page.",
	"unavailable":      "The service is not available right now; try again shortly.",
	"error":            "Something went wrong",
	"back":             "Back",
	"profile":          "Profile",
	"capabilities":     "Capabilities",
	"capability.none":  "No capabilities declared yet.",
	"capability.add":   "Declare a capability",
	"capability.saved": "The capability was declared.",
	"matches":          "Matching demands",
	"matches.none":     "No open demand matches yet.",
	"matches.for":      "Matching suppliers",
	"reasons":          "Reasons",
	"gaps":             "Gaps",
	"score":            "Score",
	"buyer":            "Buyer",
	"supplier":         "Supplier",
	"demands":          "Demands",
	"demand.none":      "No demands posted yet.",
	"demand.add":       "Post a demand",
	"demand.saved":     "The demand was posted.",
	"status":           "Status",
	"status.open":      "open",
	"status.fulfilled": "fulfilled",
	"status.cancelled": "cancelled",
	"directory":        "Directory",
	"events":           "Events",
	"events.none":      "No events yet.",
	"search":           "Search",
	"search.q":         "Name or capability",
	"all":              "All",
	"results":          "suppliers",
	"next":             "Next page",
	"f.title":          "Title",
	"f.description":    "Description",
	"f.industry_group": "Industry group",
	"f.vsic":           "VSIC code",
	"f.hs_codes":       "HS codes (comma separated)",
	"f.processes":      "Processes (comma separated)",
	"f.materials":      "Materials (comma separated)",
	"f.cert.standard":  "Certificate (e.g. ISO 9001)",
	"f.cert.valid":     "Certificate valid until",
	"f.capacity":       "Capacity per month",
	"f.volume":         "Volume per month",
	"f.unit":           "Unit",
	"f.moq":            "Minimum order",
	"f.lead_time_days": "Lead time (days)",
	"f.max_lead_time":  "Maximum lead time (days)",
	"f.export_markets": "Export markets (e.g. JP, KR)",
	"f.required_certs": "Required certificates (comma separated)",
	"f.needed_by":      "Needed by",
	"save":             "Save",
	"form.errors":      "Please correct the fields marked below.",
	"district":         "Former district",
	"ward":             "Ward/commune",
	"zone":             "Industrial zone",
	"ownership":        "Ownership",
	"employees":        "Employees",
	"contact":          "Contact",
	"country":          "Country",
	"key_products":     "Key products",
	"lead_time":        "Lead time",
	"days":             "days",
	"capacity":         "Capacity",
	"volume":           "Volume",
	"certificates":     "Certificates",
	"name":             "Name",
	"groups":           "Industry groups",
	"kind":             "Kind",
	"venue":            "Venue",
	"starts":           "Starts",
	"registered":       "Registered firms",
	"schedule":         "Schedule",
	"schedule.none":    "No meetings scheduled yet.",
	"schedule.draft":   "Draft proposal (not published)",
	"report":           "Report",
	"slot":             "Slot",
	"table":            "Table",
	"kind.conference":  "conference",
	"kind.fair":        "trade fair",
	"per.month":        "/ month",
	"lang.switch":      "Tiếng Việt",
}

var viText = map[string]string{
	"tagline":          "Kết nối doanh nghiệp sản xuất Hà Nội với bên mua FDI",
	"signin":           "Đăng nhập",
	"signin.title":     "Đăng nhập KeyLink",
	"signin.firm":      "Nhà cung cấp và bên mua",
	"signin.organiser": "Ban tổ chức",
	"signin.token":     "Mã truy cập của ban tổ chức",
	"signin.tokenhelp": "Tạo mã trên máy chủ bằng lệnh: keylink token issue --role organiser --name TÊN",
	"signin.bad":       "Sai e-mail hoặc mật khẩu.",
	"signin.badtoken":  "Mã này không phải mã truy cập hợp lệ của ban tổ chức.",
	"signout":          "Đăng xuất",
	"email":            "E-mail",
	"password":         "Mật khẩu",
	"csrf":             "Biểu mẫu đã hết hạn. Hãy tải lại trang rồi thử lại.",
	"forbidden":        "Bạn không có quyền mở trang này.",
	"conflict":         "Thao tác xung đột với dữ liệu hiện tại; hãy tải lại trang.",
	"notfound":         "Không có trang này.",
	"unavailable":      "Dịch vụ tạm thời không khả dụng; hãy thử lại sau ít phút.",
	"error":            "Đã xảy ra lỗi",
	"back":             "Quay lại",
	"profile":          "Hồ sơ doanh nghiệp",
	"capabilities":     "Năng lực sản xuất",
	"capability.none":  "Chưa khai báo năng lực nào.",
	"capability.add":   "Khai báo năng lực",
	"capability.saved": "Đã khai báo năng lực.",
	"matches":          "Nhu cầu phù hợp",
	"matches.none":     "Chưa có nhu cầu nào phù hợp.",
	"matches.for":      "Nhà cung cấp phù hợp",
	"reasons":          "Điểm phù hợp",
	"gaps":             "Điểm còn thiếu",
	"score":            "Điểm",
	"buyer":            "Bên mua",
	"supplier":         "Nhà cung cấp",
	"demands":          "Nhu cầu mua hàng",
	"demand.none":      "Chưa đăng nhu cầu nào.",
	"demand.add":       "Đăng nhu cầu",
	"demand.saved":     "Đã đăng nhu cầu.",
	"status":           "Trạng thái",
	"status.open":      "đang mở",
	"status.fulfilled": "đã đáp ứng",
	"status.cancelled": "đã hủy",
	"directory":        "Danh bạ nhà cung cấp",
	"events":           "Sự kiện",
	"events.none":      "Chưa có sự kiện nào.",
	"search":           "Tìm kiếm",
	"search.q":         "Tên hoặc năng lực",
	"all":              "Tất cả",
	"results":          "nhà cung cấp",
	"next":             "Trang sau",
	"f.title":          "Tên năng lực / sản phẩm",
	"f.description":    "Mô tả",
	"f.industry_group": "Nhóm ngành",
	"f.vsic":           "Mã ngành VSIC",
	"f.hs_codes":       "Mã HS (cách nhau bởi dấu phẩy)",
	"f.processes":      "Công nghệ gia công (cách nhau bởi dấu phẩy)",
	"f.materials":      "Vật liệu (cách nhau bởi dấu phẩy)",
	"f.cert.standard":  "Chứng nhận (ví dụ ISO 9001)",
	"f.cert.valid":     "Chứng nhận có hiệu lực đến",
	"f.capacity":       "Năng lực mỗi tháng",
	"f.volume":         "Sản lượng mỗi tháng",
	"f.unit":           "Đơn vị",
	"f.moq":            "Đơn hàng tối thiểu",
	"f.lead_time_days": "Thời gian giao hàng (ngày)",
	"f.max_lead_time":  "Thời gian giao hàng tối đa (ngày)",
	"f.export_markets": "Thị trường xuất khẩu (ví dụ JP, KR)",
	"f.required_certs": "Chứng nhận yêu cầu (cách nhau bởi dấu phẩy)",
	"f.needed_by":      "Cần trước ngày",
	"save":             "Lưu",
	"form.errors":      "Vui lòng sửa các trường được đánh dấu bên dưới.",
	"district":         "Quận/huyện (cũ)",
	"ward":             "Phường/xã",
	"zone":             "Khu công nghiệp",
	"ownership":        "Loại hình sở hữu",
	"employees":        "Số lao động",
	"contact":          "Người liên hệ",
	"country":          "Quốc gia",
	"key_products":     "Sản phẩm công nghiệp chủ lực",
	"lead_time":        "Thời gian giao hàng",
	"days":             "ngày",
	"capacity":         "Năng lực",
	"volume":           "Sản lượng",
	"certificates":     "Chứng nhận",
	"name":             "Tên",
	"groups":           "Nhóm ngành",
	"kind":             "Loại",
	"venue":            "Địa điểm",
	"starts":           "Bắt đầu",
	"registered":       "Doanh nghiệp đăng ký",
	"schedule":         "Lịch gặp",
	"schedule.none":    "Chưa xếp cuộc gặp nào.",
	"schedule.draft":   "Bản dự kiến (chưa công bố)",
	"report":           "Báo cáo",
	"slot":             "Khung giờ",
	"table":            "Bàn",
	"kind.conference":  "hội nghị",
	"kind.fair":        "hội chợ",
	"per.month":        "/ tháng",
	"lang.switch":      "English",
}

// groupNames name the industry groups for people.
var groupNames = map[lang]map[string]string{
	vi: {
		"mechanical": "Cơ khí", "electrical_electronics": "Điện - điện tử", "it": "Công nghệ thông tin",
		"textile_leather": "Dệt may - da giày", "agri_food": "Nông sản thực phẩm",
		"chem_rubber_plastic_pharma": "Hóa chất - cao su - nhựa - dược", "building_materials": "Vật liệu xây dựng",
		"handicrafts": "Thủ công mỹ nghệ",
	},
	en: {
		"mechanical": "Mechanical", "electrical_electronics": "Electrical and electronics", "it": "IT",
		"textile_leather": "Textiles and leather", "agri_food": "Agri-food",
		"chem_rubber_plastic_pharma": "Chemicals, rubber, plastics, pharma", "building_materials": "Building materials",
		"handicrafts": "Handicrafts",
	},
}

// Group names an industry group in l.
func (l lang) Group(g string) string {
	if s, ok := groupNames[l][g]; ok {
		return s
	}
	return g
}

// noteNames name the codes of match reasons and gaps in Vietnamese; the
// English page shows the API's own detail.
var noteNames = map[string]string{
	"hs_missing": "Chưa khai báo mã HS", "hs_heading": "Cùng nhóm mã HS", "hs_chapter": "Cùng chương mã HS",
	"hs_mismatch": "Khác mã HS", "vsic_missing": "Chưa khai báo mã VSIC", "vsic_class": "Cùng mã ngành VSIC",
	"vsic_division": "Cùng ngành VSIC cấp 2", "vsic_mismatch": "Khác mã ngành VSIC",
	"certifications_held": "Có đủ chứng nhận yêu cầu", "adjacent_industry_group": "Nhóm ngành lân cận",
	"capacity_covers_volume": "Năng lực đáp ứng đủ sản lượng", "capacity_partial": "Năng lực đáp ứng một phần",
	"moq_within_volume": "Đơn hàng tối thiểu phù hợp", "moq_above_volume": "Đơn hàng tối thiểu vượt sản lượng",
	"lead_time_ok": "Thời gian giao hàng đạt yêu cầu", "lead_time_too_long": "Thời gian giao hàng quá dài",
	"exports_to_buyer_country": "Đã xuất khẩu sang nước của bên mua", "exports_elsewhere": "Có kinh nghiệm xuất khẩu",
	"no_exports_to_buyer_country": "Chưa xuất khẩu sang nước của bên mua", "no_export_experience": "Chưa có kinh nghiệm xuất khẩu",
	"key_product": "Có sản phẩm công nghiệp chủ lực", "no_key_product": "Chưa có sản phẩm chủ lực",
	"same_district": "Cùng quận/huyện với bên mua", "different_district": "Khác quận/huyện với bên mua",
	"text_similarity": "Mô tả tương đồng", "text_dissimilar": "Mô tả ít tương đồng",
	"processes_offered": "Đáp ứng công nghệ gia công", "materials_offered": "Đáp ứng vật liệu",
}

// Note renders a match note: in Vietnamese its code's name (the English
// detail goes in a tooltip), in English the detail.
func (l lang) Note(code, detail string) string {
	if l == vi {
		if s, ok := noteNames[code]; ok {
			return s
		}
	}
	return detail
}
