package matching_test

import (
	"slices"
	"testing"

	"github.com/keylink/keylink/domain/matching"
)

func TestQueryTermsMeetDocumentTerms(t *testing.T) {
	tests := []struct {
		doc, query string
		hit        bool
	}{
		{"Plastic injection moulding", "molding", true},
		{"Plastic injection molding", "moulding", true},
		{"Garment sewing", "garments", true},
		{"Knitted garments for export", "garment", true},
		{"Công ty Bóng đèn Phích nước Rạng Đông", "rang dong", true},
		{"Công ty Bóng đèn Phích nước Rạng Đông", "RẠNG ĐÔNG", true},
		{"Bánh mì handcrafted and filled daily", "led", false},
		{"LED lighting", "led", true},
		{"LED lights", "LEDs", true},
		{"Công ty may mặc Hà Nội", "garment", true},
		{"Ép nhựa", "injection molding", true},
		{"Aluminium die casting", "aluminum", true},
		{"cơ khí chính xác", "co khi", true},
		{"stainless steel", "steel stainless", true},
		{"stainless", "steel", false},
	}
	for _, tt := range tests {
		doc := matching.DocumentTerms(tt.doc)
		hit := true
		for _, q := range matching.QueryTerms(tt.query) {
			hit = hit && slices.Contains(doc, q)
		}
		if hit != tt.hit {
			t.Errorf("%q in %q (%v): hit %v, want %v", tt.query, tt.doc, doc, hit, tt.hit)
		}
	}
}

func TestQueryTermsAreDistinct(t *testing.T) {
	got := matching.QueryTerms("Moulds, moulding; molds")
	if want := []string{"mold"}; !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := matching.QueryTerms(" -- "); len(got) != 0 {
		t.Fatalf("punctuation gave terms %q", got)
	}
}

func TestCertificationKeys(t *testing.T) {
	tests := []struct {
		held, query string
		hit         bool
	}{
		{"ISO 9001:2015", "ISO 9001", true},
		{"ISO 9001:2015", "iso9001", true},
		{"ISO 9001:2015", "ISO 9001:2015", true},
		{"ISO 9001:2008", "ISO 9001:2015", false},
		{"ISO 9001", "ISO 9001:2015", false},
		{"ISO 9001", "ISO 9001", true},
		{"ISO/IEC 27001:2022", "ISO 27001", true},
		{"ISO 14001", "ISO 9001", false},
		{"IATF 16949", "iatf  16949", true},
	}
	for _, tt := range tests {
		q := matching.CertificationQueryKey(tt.query)
		if hit := slices.Contains(matching.CertificationKeys(tt.held), q); hit != tt.hit {
			t.Errorf("%q held, %q searched: hit %v, want %v", tt.held, tt.query, hit, tt.hit)
		}
	}
	if k := matching.CertificationQueryKey(" : "); k != "" {
		t.Fatalf("punctuation gave key %q", k)
	}
}
