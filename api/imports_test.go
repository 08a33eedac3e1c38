package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// importAnswer is the body of POST /v1/imports.
type importAnswer struct {
	Rows, Created, Updated, Unchanged int
	Written                           bool
	DryRun                            bool `json:"dry_run"`
	Position                          int64
	Errors                            []struct {
		Row             int
		Column, Message string
		Field           string
	}
}

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "imports", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mediaType(name string) string {
	if strings.HasSuffix(name, ".xlsx") {
		return mimeXLSX
	}
	return "text/csv"
}

// upload posts a file to /v1/imports with query q.
func (e *env) upload(q string, file []byte, media string) resp {
	e.t.Helper()
	return e.do("POST", "/v1/imports?"+q, e.organiser, file, "Content-Type", media)
}

func (e *env) importOK(q string, file []byte, media string) importAnswer {
	e.t.Helper()
	r := e.must(e.upload(q, file, media), 200)
	var a importAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) eventCount() int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM events`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func checkCounts(t *testing.T, what string, a importAnswer, rows, created, updated, unchanged int) {
	t.Helper()
	if len(a.Errors) > 0 {
		t.Fatalf("%s: errors %+v", what, a.Errors)
	}
	if a.Rows != rows || a.Created != created || a.Updated != updated || a.Unchanged != unchanged {
		t.Fatalf("%s: rows %d created %d updated %d unchanged %d, want %d %d %d %d",
			what, a.Rows, a.Created, a.Updated, a.Unchanged, rows, created, updated, unchanged)
	}
}

// importSamples imports every committed sample once and returns the
// event's id the registrations went to.
func (e *env) importSamples() string {
	t := e.t
	t.Helper()
	checkCounts(t, "suppliers", e.importOK("kind=suppliers", sample(t, "suppliers.xlsx"), mimeXLSX), 4, 4, 0, 0)
	checkCounts(t, "key products", e.importOK("kind=key_products", sample(t, "key_products.csv"), "text/csv"), 4, 4, 0, 0)
	checkCounts(t, "buyers", e.importOK("kind=buyers", sample(t, "buyers.xlsx"), mimeXLSX), 3, 3, 0, 0)
	checkCounts(t, "demands", e.importOK("kind=demands", sample(t, "demands.xlsx"), mimeXLSX), 3, 3, 0, 0)
	fair := eventBody("Hội chợ triển lãm sản phẩm công nghiệp chủ lực")
	fair["kind"] = "fair"
	ev := e.must(e.do("POST", "/v1/events", e.organiser, fair), 201).str(t, "id")
	checkCounts(t, "registrations", e.importOK("kind=registrations&event_id="+ev, sample(t, "registrations.csv"), "text/csv"), 3, 3, 0, 0)
	return ev
}

func TestImportSamplesAreIdempotent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.eventCount()
	dry := e.importOK("kind=suppliers&dry_run=true", sample(t, "suppliers.xlsx"), mimeXLSX)
	checkCounts(t, "dry run", dry, 4, 4, 0, 0)
	if dry.Written || !dry.DryRun || e.eventCount() != before {
		t.Fatalf("dry run wrote: %+v, events %d -> %d", dry, before, e.eventCount())
	}
	ev := e.importSamples()
	written := e.eventCount()
	for _, name := range []string{"suppliers.xlsx", "key_products.csv", "buyers.xlsx", "demands.xlsx", "registrations.csv"} {
		kind := strings.TrimSuffix(strings.TrimSuffix(name, ".xlsx"), ".csv")
		q := "kind=" + kind
		if kind == "registrations" {
			q += "&event_id=" + ev
		}
		a := e.importOK(q, sample(t, name), mediaType(name))
		checkCounts(t, "again "+name, a, a.Rows, 0, 0, a.Rows)
	}
	if n := e.eventCount(); n != written {
		t.Fatalf("re-import appended %d events", n-written)
	}

	// The tax code typed as a number kept its leading zero; the formula's
	// cached value was read; Vietnamese ownership words were understood.
	var last int64
	if err := e.pool.QueryRow(context.Background(), `SELECT max(global_position) FROM events`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	// Wait for the directory to apply the import (the firm asked for need
	// not exist: ?after= waits before the handler answers).
	e.read(fmt.Sprintf("/v1/suppliers/0193a1f2-0000-7000-8000-000000000000?after=%d", last), e.organiser)
	var emp int
	var own, district string
	err := e.pool.QueryRow(context.Background(), `SELECT s.employees, s.ownership, s.district FROM directory_suppliers s
  JOIN claims c ON c.owner_stream = 'supplier-' || s.id WHERE c.value = '0100100003'`).Scan(&emp, &own, &district)
	if err != nil {
		t.Fatal(err)
	}
	if emp != 250 || own != "joint_venture" || district != "Đông Anh" {
		t.Fatalf("row read as employees %d, ownership %q, district %q", emp, own, district)
	}
	var claimed bool
	_ = e.pool.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM claims WHERE value = '0100100002')`).Scan(&claimed)
	if !claimed {
		t.Fatal("tax code 100100002 typed as a number was not read as 0100100002")
	}
}

func TestImportChangedRowIsAnUpdate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := "name,tax_code,district,ownership,contact_name,contact_email\n" +
		"Công ty TNHH Cơ khí Hà Nội,0100200001,Đông Anh,domestic,Nguyễn An,an@example.vn\n" +
		"Công ty TNHH Điện tử Thăng Long,0100200002,Mê Linh,fdi,Trần Bình,binh@example.vn\n"
	checkCounts(t, "first", e.importOK("kind=suppliers", []byte(file), "text/csv"), 2, 2, 0, 0)
	changed := strings.Replace(file, "Mê Linh", "Sóc Sơn", 1)
	a := e.importOK("kind=suppliers", []byte(changed), "text/csv")
	checkCounts(t, "changed", a, 2, 0, 1, 1)
	r := e.must(e.do("GET", fmt.Sprintf("/v1/suppliers?q=thang+long&after=%d", a.Position), e.organiser, nil), 200)
	if !strings.Contains(string(r.body), "Sóc Sơn") {
		t.Fatalf("the update is not in the directory: %s", r.body)
	}

	// A buyer's profile cannot be revised: a changed row is an error
	// naming the column; the same name in capitals is the same buyer.
	buyers := "Tên doanh nghiệp,Quốc gia,Người liên hệ,Email\nCông ty TNHH Canon Việt Nam,JP,Tanaka,t@canon.example.jp\n"
	checkCounts(t, "buyers", e.importOK("kind=buyers", []byte(buyers), "text/csv"), 1, 1, 0, 0)
	checkCounts(t, "buyers in capitals", e.importOK("kind=buyers", []byte(strings.Replace(buyers, "Công ty TNHH Canon Việt Nam", "CÔNG TY TNHH CANON VIỆT NAM", 1)), "text/csv"), 1, 0, 0, 1)
	b := e.importOK("kind=buyers", []byte(strings.Replace(buyers, ",JP,", ",KR,", 1)), "text/csv")
	if len(b.Errors) != 1 || b.Errors[0].Column != "Quốc gia" || b.Errors[0].Row != 2 {
		t.Fatalf("changed buyer: %+v", b)
	}
}

func TestImportErrorsWriteNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.eventCount()
	file := "Tên doanh nghiệp;Mã số thuế;Quận/Huyện;Loại hình;Người liên hệ;Email;Số lao động\n" +
		"Công ty A;0100300001;Đông Anh;domestic;An;a@example.vn;10\n" +
		"Công ty B;12345;Đông Anh;domestic;Bình;b@example.vn;mười\n" +
		"Công ty C;0100300001;Đông Anh;private;Cường;not-an-email;5\n"
	a := e.importOK("kind=suppliers", []byte(file), "text/csv")
	if a.Written || a.Created != 0 || e.eventCount() != before {
		t.Fatalf("a file with errors wrote: %+v", a)
	}
	want := map[string]bool{"3 Số lao động": true, "4 Mã số thuế": true}
	for _, x := range a.Errors {
		delete(want, fmt.Sprint(x.Row, " ", x.Column))
	}
	if len(want) > 0 {
		t.Fatalf("errors %+v miss %v", a.Errors, want)
	}
}

func TestImportBadFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.eventCount()
	bomb := func() []byte {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		w, _ := z.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			UncompressedSize64: 1 << 40, CompressedSize64: 2})
		_, _ = w.Write([]byte{3, 0})
		_ = z.Close()
		return buf.Bytes()
	}()
	var many strings.Builder
	many.WriteString("name,tax_code\n")
	for i := range 50_001 {
		fmt.Fprintf(&many, "Firm %d,01%08d\n", i, i)
	}
	merged := func() []byte {
		f := excelize.NewFile()
		_ = f.SetSheetRow("Sheet1", "A1", &[]any{"Tên doanh nghiệp", "Mã số thuế"})
		_ = f.SetSheetRow("Sheet1", "A2", &[]any{"Công ty A", "0100400001"})
		_ = f.MergeCell("Sheet1", "A2", "A3")
		b, _ := f.WriteToBuffer()
		return b.Bytes()
	}()
	cases := []struct {
		name   string
		body   []byte
		media  string
		status int
	}{
		{"not a workbook", []byte("hello"), mimeXLSX, 400},
		{"binary as csv", []byte{0, 1, 2, 0xff}, "text/csv", 400},
		{"zip bomb", bomb, mimeXLSX, 400},
		{"over 20 MiB", bytes.Repeat([]byte("a,b\n"), 5<<20+1), "text/csv", 413},
		{"too many rows", []byte(many.String()), "text/csv", 400},
		{"merged cells", merged, mimeXLSX, 400},
		{"no header", []byte("a,b\n1,2\n"), "text/csv", 400},
		{"pdf", []byte("%PDF-1.4"), "application/pdf", 415},
	}
	for _, c := range cases {
		r := e.upload("kind=suppliers", c.body, c.media)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d: %.300s", c.name, r.status, c.status, r.body)
		}
	}
	for q, field := range map[string]string{"kind=nope": "kind", "kind=suppliers&dry_run=maybe": "dry_run",
		"kind=registrations": "event_id", "kind=suppliers&color=red": "color"} {
		r := e.must(e.upload(q, []byte("name,tax_code\n"), "text/csv"), 400)
		if got := r.fields(t); len(got) == 0 || got[0] != field {
			t.Errorf("%s: fields %v, want %s", q, got, field)
		}
	}
	if n := e.eventCount(); n != before {
		t.Fatalf("bad files appended %d events", n-before)
	}
}

func TestImportMultipart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("note", "ignored")
	w, _ := mw.CreateFormFile("file", "danh-sach.xlsx")
	_, _ = w.Write(sample(t, "suppliers.xlsx"))
	_ = mw.Close()
	r := e.must(e.upload("kind=suppliers", buf.Bytes(), mw.FormDataContentType()), 200)
	var a importAnswer
	_ = json.Unmarshal(r.body, &a)
	checkCounts(t, "multipart", a, 4, 4, 0, 0)
	e.must(e.do("POST", "/v1/imports?kind=suppliers", "", []byte("x"), "Content-Type", "text/csv"), 401)
	_, supTok := e.signup("supplier", supplierBody("Công ty TNHH Nhựa Hà Nội"))
	e.must(e.do("POST", "/v1/imports?kind=suppliers", supTok, sample(t, "suppliers.xlsx"), "Content-Type", mimeXLSX), 403)
}

func TestImportByNameAndID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.importOK("kind=suppliers", sample(t, "suppliers.xlsx"), mimeXLSX)
	kp := "Tên doanh nghiệp,Sản phẩm,Năm công nhận,Số quyết định\n" +
		"CÔNG TY CP KHÓA VIỆT-TIỆP,Khóa cửa Việt-Tiệp,2022,3907/QĐ-UBND\n"
	checkCounts(t, "key product by name", e.importOK("kind=key_products", []byte(kp), "text/csv"), 1, 1, 0, 0)
	checkCounts(t, "again", e.importOK("kind=key_products", []byte(kp), "text/csv"), 1, 0, 0, 1)
	changed := e.importOK("kind=key_products", []byte(strings.Replace(kp, "3907", "4000", 1)), "text/csv")
	if len(changed.Errors) != 1 || changed.Errors[0].Column != "Số quyết định" {
		t.Fatalf("another decision for a recognition: %+v", changed)
	}

	buy := e.newBuyer("Công ty TNHH Samsung Display Việt Nam")
	demands := "buyer_id,title,industry_group,quantity,unit\n" + buy + ",Tấm nhựa ép,chem_rubber_plastic_pharma,1000,pcs\n"
	checkCounts(t, "demand by buyer id", e.importOK("kind=demands", []byte(demands), "text/csv"), 1, 1, 0, 0)
	a := e.importOK("kind=demands", []byte(strings.Replace(demands, "1000", "2000", 1)), "text/csv")
	checkCounts(t, "changed demand", a, 1, 0, 1, 0)
	r := e.must(e.do("GET", fmt.Sprintf("/v1/buyers/%s?after=%d", buy, a.Position), e.organiser, nil), 200)
	if !strings.Contains(string(r.body), `"quantity":2000`) || strings.Count(string(r.body), "Tấm nhựa ép") != 1 {
		t.Fatalf("the demand was not revised in place: %s", r.body)
	}
	unknown := e.importOK("kind=demands", []byte(strings.Replace(demands, buy, "0193a1f2-0000-7000-8000-000000000000", 1)), "text/csv")
	if len(unknown.Errors) != 1 || unknown.Errors[0].Column != "buyer_id" {
		t.Fatalf("unknown buyer: %+v", unknown)
	}
}

// TestImportErrorsInCallersLanguage: the row errors follow Accept-Language
// like every other text; the row, column and field stay as they are.
func TestImportErrorsInCallersLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := "Tên doanh nghiệp;Mã số thuế;Quận/Huyện;Loại hình;Người liên hệ;Email;Số lao động\n" +
		"Công ty A;0100300001;Đông Anh;domestic;An;a@example.vn;10\n" +
		"Công ty A;0100300001;Đông Anh;domestic;An;a@example.vn;10\n" +
		"Công ty C;0100300002;Đông Anh;domestic;Cường;not-an-email;5\n" +
		"Công ty D;0100300003;Đông Anh;domestic;Dũng;d@example.vn;mười\n"
	errs := func(lang string) map[string]string {
		t.Helper()
		r := e.must(e.do("POST", "/v1/imports?kind=suppliers&dry_run=true", e.organiser, []byte(file),
			"Content-Type", "text/csv", "Accept-Language", lang), 200)
		var a importAnswer
		if err := json.Unmarshal(r.body, &a); err != nil {
			t.Fatal(err)
		}
		if got := r.header.Get("Content-Language"); got != lang {
			t.Errorf("Content-Language %q, want %q", got, lang)
		}
		out := map[string]string{}
		for _, x := range a.Errors {
			out[fmt.Sprint(x.Row, " ", x.Column)] = x.Message
		}
		return out
	}
	vi, en := errs("vi"), errs("en")
	for k, want := range map[string]string{
		"5 Số lao động": "phải là một số nguyên",
		"3 Mã số thuế":  "trùng với dòng 2",
		"4 Email":       "phải là địa chỉ e-mail",
	} {
		if vi[k] != want {
			t.Errorf("vi %s: %q, want %q (all: %v)", k, vi[k], want, vi)
		}
	}
	if en["5 Số lao động"] != "must be a whole number" || en["3 Mã số thuế"] != "repeats row 2" {
		t.Errorf("en errors %v", en)
	}
}
