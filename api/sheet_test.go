package api

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/keylink/keylink/domain"
)

// FuzzReadTable: whatever bytes arrive as a CSV or .xlsx file, the row
// decoder gives a table or a validation error (a 400), never a panic or
// another error (a 500). Seeds are the committed samples and a few broken
// shapes; `go test -fuzz FuzzReadTable ./api` explores further.
func FuzzReadTable(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "imports", "*.*"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, strings.HasSuffix(p, ".xlsx"))
	}
	for _, s := range []string{"", "\ufeff", "name,tax_code\n", "name;tax_code\nA;1\n", "\"name,tax_code\n", "PK\x03\x04",
		"name,tax_code\n\"a\"b\",c\n", "Tên doanh nghiệp,Mã số thuế\n\xff,1\n", strings.Repeat(",", 300) + "\n"} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, xlsx bool) {
		media := mimeCSV
		if xlsx {
			media = mimeXLSX
		}
		for _, kind := range importKinds {
			tab, err := readTable(data, media, kind.columns)
			if err != nil {
				if !errors.Is(err, domain.ErrInvalid) {
					t.Fatalf("error %v is not a validation error", err)
				}
				continue
			}
			if len(tab.Rows) > maxImportRows {
				t.Fatalf("%d rows read", len(tab.Rows))
			}
		}
	})
}

func TestHeaderKey(t *testing.T) {
	for in, want := range map[string]string{
		"Mã số thuế": "ma so thue", "MÃ SỐ THUẾ": "ma so thue", " tax_code ": "tax code", "Tax Code": "tax code",
		"Quận/Huyện": "quan huyen", "Năm công nhận": "nam cong nhan", "Tên doanh nghiệp": "ten doanh nghiep",
		"Đơn vị tính (ĐVT)": "don vi tinh dvt",
	} {
		if got := headerKey(in); got != want {
			t.Errorf("headerKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHeaderRowBelowTitle(t *testing.T) {
	csv := "\ufeffDANH SÁCH DOANH NGHIỆP,,\n,,\nSTT,TÊN DOANH NGHIỆP,MÃ SỐ THUẾ,Ghi chú\n1,Công ty A,0100000001,x\n,,,\n2,Công ty B,0100000002,\n"
	tab, err := readTable([]byte(csv), mimeCSV, supplierColumns)
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 2 || tab.Rows[0].Line != 4 || tab.Rows[1].Line != 6 || tab.Rows[1].Cells["name"] != "Công ty B" {
		t.Fatalf("rows %+v", tab.Rows)
	}
	if tab.Headers["tax_code"] != "MÃ SỐ THUẾ" {
		t.Fatalf("headers %v", tab.Headers)
	}
}

func TestFormulaCellsGiveCachedValues(t *testing.T) {
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"name", "tax_code", "employees"})
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"Công ty A", "0100000001", 7})
	_ = f.SetCellFormula("Sheet1", "C2", "1/0")             // cached 7, would be an error if evaluated
	_ = f.SetCellFormula("Sheet1", "A3", `WEBSERVICE("x")`) // no cached value: read as empty
	_ = f.SetCellValue("Sheet1", "B3", "0100000002")
	buf, _ := f.WriteToBuffer()
	tab, err := readTable(buf.Bytes(), mimeXLSX, supplierColumns)
	if err != nil {
		t.Fatal(err)
	}
	if got := tab.Rows[0].Cells["employees"]; got != "7" {
		t.Fatalf("employees %q, want the cached 7", got)
	}
	if got := tab.Rows[1].Cells["name"]; got != "" {
		t.Fatalf("a formula without a cached value read as %q", got)
	}
}

func TestCellReaders(t *testing.T) {
	for in, want := range map[string]string{"2027-03-01": "2027-03-01", "01/03/2027": "2027-03-01", "46447": "2027-03-01", "31/02/2027": "", "x": ""} {
		got, ok := cellDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("cellDate(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for in, want := range map[string]string{"100100002": "0100100002", "0100100002": "0100100002", "0100100002-001": "0100100002-001"} {
		if got := taxCode(in); got != want {
			t.Errorf("taxCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]bool{"=1+1": true, "+84": true, "-5": true, "@x": true, "＝SUM(A1)": true, "＋1": true, "Rạng Đông": false, "": false} {
		if got := formulaLike(in); got != want {
			t.Errorf("formulaLike(%q) = %v", in, got)
		}
	}
	if ownership("Liên doanh") != domain.JointVenture || ownership("Trong nước") != domain.Domestic || industryGroup("Cơ khí, chế tạo") != domain.Mechanical {
		t.Error("Vietnamese enum words not read")
	}
	if unit("tấn") != "t" || unit("Cái") != "pcs" || unit("m²") != "m2" {
		t.Error("Vietnamese units not read")
	}
	if csvSeparator([]byte("DANH SÁCH\n\nTên;Mã số thuế;Số lao động\n1;2;3")) != ';' ||
		csvSeparator([]byte("Báo cáo, tháng 5\nTên,Mã số thuế,Số lao động\n1,2,3")) != ',' {
		t.Error("the separator was guessed from a title line")
	}
	if csvSeparator([]byte("a;b;c\n1,5;2;3")) != ';' || !bytes.Equal([]byte(sheetName("a/b:c[d]")), []byte("a-b-c-d-")) {
		t.Error("separator or sheet name")
	}
}
