// Command gen writes the sample workbooks of api/testdata/imports, shaped
// like the organisers' own files: a merged title block above a header row
// in Vietnamese, text with diacritics, a tax code typed as a number (its
// leading zero lost), a formula with its cached value and a date cell.
//
//	go run ./api/testdata/imports/gen
//
// With -suppliers N -out FILE it writes instead a supplier file of N rows,
// for timing an import (see the README's Import/Export section):
//
//	go run ./api/testdata/imports/gen -suppliers 10000 -out /tmp/suppliers-10k.xlsx
package main

import (
	"flag"
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	n := flag.Int("suppliers", 0, "write a supplier file of this many rows to -out instead")
	out := flag.String("out", "", "where -suppliers writes")
	flag.Parse()
	if *n > 0 {
		must(manySuppliers(*out, *n))
		return
	}
	dir := filepath.Join("api", "testdata", "imports")
	must(suppliers(filepath.Join(dir, "suppliers.xlsx")))
	must(buyers(filepath.Join(dir, "buyers.xlsx")))
	must(demands(filepath.Join(dir, "demands.xlsx")))
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// book writes a sheet with a merged two-line title, a blank row and then
// header and rows.
func book(path, sheet, title string, header []string, rows [][]any, after func(f *excelize.File) error) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), 1)
	_ = f.SetCellValue(sheet, "A1", title)
	_ = f.MergeCell(sheet, "A1", last)
	_ = f.SetCellValue(sheet, "A2", "Sở Công Thương Hà Nội")
	for i, h := range header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 4)
		_ = f.SetCellValue(sheet, cell, h)
	}
	for r, row := range rows {
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, 5+r)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	if after != nil {
		if err := after(f); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

func suppliers(path string) error {
	header := []string{"STT", "Tên doanh nghiệp", "Mã số thuế", "Quận/Huyện", "Khu công nghiệp", "Loại hình",
		"Số lao động", "Người liên hệ", "Email", "Điện thoại"}
	rows := [][]any{
		{1, "Công ty CP Bóng đèn Phích nước Rạng Đông", "0100100001", "Thanh Xuân", "", "Trong nước", 2500, "Nguyễn Văn An", "an@rangdong.vn", "024 3858 4310"},
		{2, "Công ty CP Khóa Việt-Tiệp", 100100002, "Gia Lâm", "", "domestic", 1200, "Trần Thị Bình", "binh@viettiep.vn", ""},
		{3, "Công ty TNHH Cơ khí Đông Anh", "0100100003", "Đông Anh", "KCN Thăng Long", "Liên doanh", 0, "Lê Văn Cường", "cuong@cokhidonganh.vn", "+84 24 3883 2233"},
		{4, "Công ty TNHH Nhựa Sóc Sơn", "0100100004", "Sóc Sơn", "Cụm công nghiệp Nội Bài", "FDI", 180, "Phạm Thu Dung", "dung@nhuasocson.vn", ""},
	}
	return book(path, "Doanh nghiệp", "DANH SÁCH DOANH NGHIỆP CÔNG NGHIỆP HỖ TRỢ", header, rows, func(f *excelize.File) error {
		// Employees of row 3 as a formula whose cached value is 250.
		if err := f.SetCellInt("Doanh nghiệp", "G7", 250); err != nil {
			return err
		}
		return f.SetCellFormula("Doanh nghiệp", "G7", "100+150")
	})
}

func buyers(path string) error {
	header := []string{"Tên doanh nghiệp", "Quốc gia", "Tập đoàn mẹ", "Địa bàn", "Người liên hệ", "Email"}
	rows := [][]any{
		{"Công ty TNHH Canon Việt Nam", "JP", "Canon Inc.", "Đông Anh", "Tanaka Hiroshi", "tanaka@canon.example.jp"},
		{"Công ty TNHH Panasonic Việt Nam", "jp", "Panasonic Holdings", "Bắc Từ Liêm", "Sato Yuki", "sato@panasonic.example.jp"},
		{"Công ty TNHH TOTO Việt Nam", "JP", "", "Mê Linh", "Nguyễn Thị Hoa", "hoa@toto.example.vn"},
	}
	return book(path, "Bên mua", "DANH SÁCH DOANH NGHIỆP FDI CÓ NHU CẦU", header, rows, nil)
}

func demands(path string) error {
	header := []string{"Bên mua", "Nhu cầu", "Mô tả", "Nhóm ngành", "Mã HS", "Công nghệ", "Vật liệu",
		"Chứng chỉ yêu cầu", "Sản lượng", "Đơn vị", "Thời gian giao hàng tối đa", "Cần trước ngày"}
	needed := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	rows := [][]any{
		{"Công ty TNHH Canon Việt Nam", "Khung thép dập cho máy in", "Chi tiết dập thép cho khung máy in", "Cơ khí, chế tạo",
			"7326.90", "stamping, welding", "steel", "ISO 9001", 20000, "cái", 45, needed},
		{"CÔNG TY TNHH CANON VIỆT NAM", "Linh kiện nhựa ép phun", "Vỏ nhựa ABS", "chem_rubber_plastic_pharma",
			"3926.90", "injection moulding", "ABS", "", 5, "tấn", 30, "01/06/2027"},
		{"Công ty TNHH TOTO Việt Nam", "Bao bì carton", "", "Vật liệu xây dựng", "4819.10", "", "", "", 10000, "cái", "", ""},
	}
	return book(path, "Nhu cầu", "NHU CẦU MUA HÀNG CỦA DOANH NGHIỆP FDI", header, rows, func(f *excelize.File) error {
		style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		if err != nil {
			return err
		}
		return f.SetCellStyle("Nhu cầu", "L5", "L5", style)
	})
}

// manySuppliers writes n supplier rows with distinct tax codes.
func manySuppliers(path string, n int) error {
	header := []string{"Tên doanh nghiệp", "Mã số thuế", "Quận/Huyện", "Khu công nghiệp", "Loại hình", "Số lao động",
		"Người liên hệ", "Email", "Điện thoại"}
	districts := []string{"Đông Anh", "Sóc Sơn", "Thạch Thất", "Quốc Oai", "Thường Tín", "Gia Lâm", "Mê Linh"}
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("Công ty TNHH Cơ khí Chính xác Hà Nội số %d", i+1), fmt.Sprintf("01%08d", 10_000_000+i),
			districts[i%len(districts)], "KCN Thăng Long", "Trong nước", 50 + i%400, "Nguyễn Văn An",
			fmt.Sprintf("lienhe%d@example.vn", i+1), "024 3858 4310"}
	}
	return book(path, "Doanh nghiệp", "DANH SÁCH DOANH NGHIỆP CÔNG NGHIỆP HỖ TRỢ", header, rows, nil)
}
