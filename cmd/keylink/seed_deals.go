package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

// seedProgramme is what loadProgramme added, for the log.
type seedProgramme struct {
	rates, support, deals, stages, mous int
}

// loadProgramme gives the dataset two years of programme history, so that
// the programme report shows trends on first start: exchange-rate tables for
// the year before last to this year, the city's support to most key-product
// firms in the last two years, and deals between the seeded suppliers and
// buyers, moved through their stages on dates spread over those two years.
// The ids come from the events the loader just wrote, matched by tax code
// and buyer name. A server without the deal endpoints is skipped with a
// note.
func (l *seedLoader) loadProgramme(ctx context.Context, plan seedPlan, pool *pgxpool.Pool, now time.Time) error {
	sups, buys, err := seededIDs(ctx, pool, plan)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(l.seed, 0x6465616c73))
	var n seedProgramme
	year := now.Year()
	for i, y := range []int{year - 2, year - 1, year} {
		f := 1 + 0.02*float64(i)
		body := map[string]float64{"USD": math.Round(23500 * f), "JPY": math.Round(165*f*10) / 10,
			"KRW": math.Round(17.8*f*100) / 100, "CNY": math.Round(3300 * f), "EUR": math.Round(25800 * f)}
		code, err := l.send(ctx, http.MethodPut, fmt.Sprintf("/v1/programme/rates/%d", y), body)
		if i == 0 && (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) {
			l.log.Warn("the programme endpoints are not available; deals and support skipped", "status", code)
			return nil
		}
		if err != nil {
			return err
		}
		n.rates++
	}
	if err := l.seedSupport(ctx, r, plan, sups, year, &n); err != nil {
		return err
	}
	if err := l.seedDeals(ctx, r, plan, sups, buys, now, &n); err != nil {
		return err
	}
	l.log.Info("programme history loaded", "rate_tables", n.rates, "support_records", n.support, "deals", n.deals,
		"stage_changes", n.stages, "mous", n.mous)
	return nil
}

// seededIDs finds the ids the server gave the plan's firms (nil when a
// firm is not found).
func seededIDs(ctx context.Context, pool *pgxpool.Pool, plan seedPlan) ([]uuid.UUID, []uuid.UUID, error) {
	byTax, byName := map[string]uuid.UUID{}, map[string]uuid.UUID{}
	rows, err := pool.Query(ctx, `SELECT type, coalesce(payload->>'supplier_id', payload->>'buyer_id'), payload->>'tax_code', payload->>'name'
FROM events WHERE type IN ('SupplierRegistered', 'BuyerRegistered') ORDER BY global_position`)
	if err != nil {
		return nil, nil, fmt.Errorf("seed: reading the firms' ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ, id string
		var tax, name *string
		if err := rows.Scan(&typ, &id, &tax, &name); err != nil {
			return nil, nil, fmt.Errorf("seed: reading the firms' ids: %w", err)
		}
		u, err := uuid.Parse(id)
		if err != nil {
			continue
		}
		if typ == "SupplierRegistered" && tax != nil {
			byTax[*tax] = u
		} else if name != nil {
			byName[*name] = u
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("seed: reading the firms' ids: %w", err)
	}
	sups := make([]uuid.UUID, len(plan.Suppliers))
	for i, s := range plan.Suppliers {
		sups[i] = byTax[s.Profile.TaxCode]
	}
	buys := make([]uuid.UUID, len(plan.Buyers))
	for i, b := range plan.Buyers {
		buys[i] = byName[b.Profile.Name]
	}
	return sups, buys, nil
}

var (
	seedProgrammes = []string{"Chương trình phát triển sản phẩm công nghiệp chủ lực", "Chương trình phát triển công nghiệp hỗ trợ",
		"Chương trình xúc tiến thương mại thành phố Hà Nội", "Chương trình khuyến công"}
	seedSupportKinds = []string{"interest_subsidy", "trade_promotion", "training", "certification", "technology", "other"}
)

// seedSupport records support for about 70% then 85% of the key-product
// firms over the last two years, and certification support for a few
// other firms.
func (l *seedLoader) seedSupport(ctx context.Context, r *rand.Rand, plan seedPlan, sups []uuid.UUID, year int, n *seedProgramme) error {
	for i, s := range plan.Suppliers {
		if sups[i] == uuid.Nil {
			continue
		}
		for j, y := range []int{year - 1, year} {
			p := []float64{0.7, 0.85}[j]
			kind := seedSupportKinds[r.IntN(len(seedSupportKinds))]
			if len(s.KeyProducts) == 0 {
				p, kind = 0.08, "certification"
			}
			if r.Float64() >= p {
				continue
			}
			body := map[string]any{"programme": seedProgrammes[r.IntN(len(seedProgrammes))], "year": y, "kind": kind,
				"amount_vnd": int64(r.IntN(46)+5) * 10_000_000}
			if _, err := l.send(ctx, http.MethodPost, "/v1/suppliers/"+sups[i].String()+"/support", body); err != nil {
				return err
			}
			n.support++
		}
	}
	return nil
}

// currencyOf is the currency a buyer of country contracts in.
func currencyOf(country string) string {
	switch country {
	case "JP":
		return "JPY"
	case "KR":
		return "KRW"
	case "CN", "TW":
		return "CNY"
	case "DE", "FR", "IT", "NL", "ES", "FI", "AT", "BE":
		return "EUR"
	}
	return "USD"
}

// seedDeals opens about two deals per buyer with suppliers of the groups it
// buys from and moves each to a stage: a third to a contract, some lost,
// the rest in between, with an MoU on about half of those past the audit.
func (l *seedLoader) seedDeals(ctx context.Context, r *rand.Rand, plan seedPlan, sups, buys []uuid.UUID, now time.Time, n *seedProgramme) error {
	path := []string{"contacted", "sample", "audit", "trial_order", "contract"}
	start := time.Date(now.Year()-1, 1, 10, 0, 0, 0, 0, time.UTC)
	span := int(now.Sub(start).Hours()/24) - 30
	if span < 1 || len(sups) == 0 {
		return nil
	}
	pairs := map[[2]int]bool{}
	for bi, b := range plan.Buyers {
		if buys[bi] == uuid.Nil {
			continue
		}
		for range 1 + r.IntN(3) {
			si := r.IntN(len(sups))
			if sups[si] == uuid.Nil || pairs[[2]int{si, bi}] {
				continue
			}
			pairs[[2]int{si, bi}] = true
			id, err := l.post(ctx, "/v1/deals", map[string]any{"supplier_id": sups[si], "buyer_id": buys[bi]})
			if err != nil {
				return err
			}
			n.deals++
			day := start.AddDate(0, 0, r.IntN(span))
			last := []int{0, 1, 2, 3, 4, 4, 4, 1, 2}[r.IntN(9)]
			lost := r.Float64() < 0.15 && last < 4
			for k := 1; k <= last; k++ {
				day = day.AddDate(0, 0, 10+r.IntN(40))
				if day.After(now) {
					break
				}
				body := map[string]any{"stage": path[k], "on": day.Format(time.DateOnly)}
				if k == 4 {
					cur := currencyOf(b.Profile.Country)
					usd := math.Round(20000 * math.Pow(50, r.Float64()))
					body["value"], body["currency"] = seedAmount(usd, cur), cur
				}
				if k == 3 && r.Float64() < 0.6 {
					if _, err := l.post(ctx, "/v1/deals/"+id.String()+"/mou", map[string]any{"on": day.Format(time.DateOnly)}); err != nil {
						return err
					}
					n.mous++
				}
				if _, err := l.post(ctx, "/v1/deals/"+id.String()+"/stage", body); err != nil {
					return err
				}
				n.stages++
			}
			if lost {
				day = slices.MinFunc([]time.Time{day.AddDate(0, 0, 20), now}, func(a, b time.Time) int { return a.Compare(b) })
				body := map[string]any{"stage": "lost", "on": day.Format(time.DateOnly), "note": "Giá chưa cạnh tranh so với nhà cung cấp hiện tại"}
				if _, err := l.post(ctx, "/v1/deals/"+id.String()+"/stage", body); err != nil {
					return err
				}
				n.stages++
			}
		}
	}
	return nil
}

// seedAmount converts a dollar amount to a round figure in cur.
func seedAmount(usd float64, cur string) float64 {
	per := map[string]float64{"USD": 1, "JPY": 150, "KRW": 1350, "CNY": 7.2, "EUR": 0.92}[cur]
	return math.Round(usd*per/100) * 100
}

// send is post for any method; it answers the status as well.
func (l *seedLoader) send(ctx context.Context, method, path string, body any) (int, error) {
	if method == http.MethodPost {
		_, err := l.post(ctx, path, body)
		var se *seedStatusError
		if errors.As(err, &se) {
			return se.code, err
		}
		return http.StatusCreated, err
	}
	return l.call(ctx, method, path, body, nil)
}
