package api

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/keylink/keylink/projections/programme"
)

// programmeXLSX writes the report as a workbook: one sheet per table, a bold
// frozen header row, numbers as numbers.
func programmeXLSX(r programme.ProgrammeReport, lang string) ([]byte, error) {
	t, g := programmeTexts[lang], groupNames[lang]
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, fmt.Errorf("api: programme workbook: %w", err)
	}
	sheets := []struct {
		name   string
		header []any
		rows   [][]any
	}{
		{"indicators", []any{"code", t["indicator"], fmt.Sprint(t["value"], " ", r.Year), t["target"], fmt.Sprint(t["previous"], " ", r.PreviousYear), t["method"]}, nil},
		{"industry_groups", []any{"industry_group", t["group"], t["key_products"], t["key_product_firms"], t["matched"], t["held"], t["mou"], t["contract"], t["contract_value_vnd"],
			t["previous"] + ": " + t["key_products"], t["previous"] + ": " + t["contract_value_vnd"]}, nil},
		{"buyer_countries", []any{t["country"], t["matched"], t["held"], t["mou"], t["contract"], t["contract_value_vnd"], t["previous"] + ": " + t["contract_value_vnd"]}, nil},
		{"wards", []any{t["ward"], t["matched"], t["held"], t["mou"], t["contract"], t["contract_value_vnd"], t["previous"] + ": " + t["contract_value_vnd"]}, nil},
		{"local_sourcing", []any{"buyer_id", t["buyer"], t["country"], t["contract"], t["contract_value_vnd"], t["previous"]}, nil},
		{"funnel", []any{"stage", fmt.Sprint(r.Year), fmt.Sprint(r.PreviousYear)}, nil},
		{"rates", []any{t["year"], t["currency"], t["rate"], t["from_year"]}, nil},
	}
	for _, ind := range r.Indicators {
		var target any
		if ind.Target != nil {
			target = *ind.Target
		}
		sheets[0].rows = append(sheets[0].rows, []any{ind.Code, t[ind.Code], ind.Value, target, ind.Previous, ind.Method})
	}
	for _, x := range r.IndustryGroups {
		c := x.Connections
		sheets[1].rows = append(sheets[1].rows, []any{x.Group, g[x.Group], x.KeyProducts, x.KeyProductFirms, c.Matches, c.MeetingsHeld, c.MoUs,
			c.Contracts, c.ContractValueVND, x.Previous.KeyProducts, x.Previous.Connections.ContractValueVND})
	}
	for _, x := range r.BuyerCountries {
		c := x.Connections
		sheets[2].rows = append(sheets[2].rows, []any{x.Country, c.Matches, c.MeetingsHeld, c.MoUs, c.Contracts, c.ContractValueVND, x.Previous.ContractValueVND})
	}
	for _, x := range r.Wards {
		c := x.Connections
		sheets[3].rows = append(sheets[3].rows, []any{cell(x.Ward), c.Matches, c.MeetingsHeld, c.MoUs, c.Contracts, c.ContractValueVND, x.Previous.ContractValueVND})
	}
	for _, x := range r.LocalSourcing {
		sheets[4].rows = append(sheets[4].rows, []any{x.BuyerID.String(), cell(x.BuyerName), x.Country, x.Contracts, x.ContractValueVND, x.PreviousVND})
	}
	for _, x := range r.Funnel {
		sheets[5].rows = append(sheets[5].rows, []any{x.Stage, x.Count, x.Previous})
	}
	for _, ru := range r.Rates {
		for _, cur := range append([]string{"VND"}, "USD", "JPY", "KRW", "CNY", "EUR") {
			if v, ok := ru.VNDPer[cur]; ok {
				sheets[6].rows = append(sheets[6].rows, []any{ru.Year, cur, v, ru.FromYear[cur]})
			}
		}
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, fmt.Errorf("api: programme workbook: %w", err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, fmt.Errorf("api: programme workbook: %w", err)
		}
		if err := programmeSheet(f, s.name, bold, s.header, s.rows); err != nil {
			return nil, fmt.Errorf("api: programme workbook: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("api: programme workbook: %w", err)
	}
	return buf.Bytes(), nil
}

func programmeSheet(f *excelize.File, name string, bold int, header []any, rows [][]any) error {
	if err := f.SetSheetRow(name, "A1", &header); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(header), 1)
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", last, bold); err != nil {
		return err
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, row := range rows {
		at, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(name, at, &row); err != nil {
			return err
		}
	}
	return nil
}
