package api_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/keylink/keylink/api"
)

// TestAuthorisationMatrix sends every endpoint of the accounts, suppliers and
// buyers sections with each kind of caller.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sup, supTok := e.signup("supplier", supplierBody("Own supplier"))
	_, otherSupTok := e.signup("supplier", supplierBody("Other supplier"))
	buy, buyTok := e.signup("buyer", buyerBody("Own buyer"))
	_, otherBuyTok := e.signup("buyer", buyerBody("Other buyer"))

	newCap := func() string {
		return e.must(e.do("POST", "/v1/suppliers/"+sup+"/capabilities", e.organiser, capabilityBody("c")), 201).str(t, "id")
	}
	newDemand := func() string {
		return e.must(e.do("POST", "/v1/buyers/"+buy+"/demands", e.organiser, demandBody("d")), 201).str(t, "id")
	}
	keyProduct := func() map[string]any {
		return map[string]any{"product": fmt.Sprint("Sản phẩm ", taxSeq.Add(1)), "recognized_year": 2023, "decision_no": "1/QĐ-UBND"}
	}
	type call struct {
		method, path string
		body         any
	}
	endpoints := []struct {
		name string
		call func() call
		// statuses for organiser, own firm, other firm of the same role, firm of the other role
		want [4]int
		// the "own" firm for this endpoint: supplier or buyer token
		ownIsBuyer bool
	}{
		{"register supplier", func() call { return call{"POST", "/v1/suppliers", supplierBody("n")} }, [4]int{201, 403, 403, 403}, false},
		{"revise supplier", func() call {
			b := supplierBody("Own supplier")
			b["tax_code"] = taxCodeOf(t, e, sup)
			return call{"PUT", "/v1/suppliers/" + sup, b}
		}, [4]int{200, 200, 403, 403}, false},
		{"declare capability", func() call { return call{"POST", "/v1/suppliers/" + sup + "/capabilities", capabilityBody("x")} }, [4]int{201, 201, 403, 403}, false},
		{"revise capability", func() call {
			return call{"PUT", "/v1/suppliers/" + sup + "/capabilities/" + newCap(), capabilityBody("y")}
		}, [4]int{200, 200, 403, 403}, false},
		{"withdraw capability", func() call { return call{"DELETE", "/v1/suppliers/" + sup + "/capabilities/" + newCap(), nil} }, [4]int{200, 200, 403, 403}, false},
		{"recognise key product", func() call { return call{"POST", "/v1/suppliers/" + sup + "/key-products", keyProduct()} }, [4]int{201, 403, 403, 403}, false},
		{"get supplier", func() call { return call{"GET", "/v1/suppliers/" + sup + "?after=" + e.head(), nil} }, [4]int{200, 200, 200, 200}, false},
		{"search suppliers", func() call { return call{"GET", "/v1/suppliers?q=own&after=" + e.head(), nil} }, [4]int{200, 200, 200, 200}, false},
		{"register buyer", func() call { return call{"POST", "/v1/buyers", buyerBody("n")} }, [4]int{201, 403, 403, 403}, true},
		{"post demand", func() call { return call{"POST", "/v1/buyers/" + buy + "/demands", demandBody("x")} }, [4]int{201, 201, 403, 403}, true},
		{"revise demand", func() call { return call{"PUT", "/v1/buyers/" + buy + "/demands/" + newDemand(), demandBody("y")} }, [4]int{200, 200, 403, 403}, true},
		{"close demand", func() call {
			return call{"POST", "/v1/buyers/" + buy + "/demands/" + newDemand() + "/close", map[string]any{"reason": "fulfilled"}}
		}, [4]int{200, 200, 403, 403}, true},
		{"get buyer", func() call { return call{"GET", "/v1/buyers/" + buy + "?after=" + e.head(), nil} }, [4]int{200, 200, 200, 200}, true},
	}
	for _, ep := range endpoints {
		tokens := [4]string{e.organiser, supTok, otherSupTok, buyTok}
		if ep.ownIsBuyer {
			tokens = [4]string{e.organiser, buyTok, otherBuyTok, supTok}
		}
		for i, tok := range tokens {
			c := ep.call()
			if r := e.do(c.method, c.path, tok, c.body); r.status != ep.want[i] {
				t.Errorf("%s as caller %d: %d, want %d: %s", ep.name, i, r.status, ep.want[i], r.body)
			}
		}
		c := ep.call()
		if r := e.do(c.method, c.path, "", c.body); r.status != 401 {
			t.Errorf("%s without a token: %d", ep.name, r.status)
		}
	}
}

// head is the position of the latest event, for a read that must include
// every write before it.
func (e *env) head() string {
	e.t.Helper()
	var last int64
	if err := e.pool.QueryRow(context.Background(), `SELECT coalesce(max(global_position), 0) FROM events`).Scan(&last); err != nil {
		e.t.Fatal(err)
	}
	return strconv.FormatInt(last, 10)
}

func taxCodeOf(t *testing.T, e *env, id string) string {
	t.Helper()
	recs, err := e.store.ReadStream(t.Context(), streamOf("supplier", id))
	if err != nil || len(recs) == 0 {
		t.Fatalf("supplier %s: %v", id, err)
	}
	var p struct {
		TaxCode string `json:"tax_code"`
	}
	if err := jsonUnmarshal(recs[0].Payload, &p); err != nil {
		t.Fatal(err)
	}
	return p.TaxCode
}

func TestLoginIsRateLimited(t *testing.T) {
	t.Parallel()
	// The attempts the limiter lets through may queue for a hashing slot as
	// long as the race detector makes them take.
	e := newEnv(t, hashing(api.HashingConfig{Wait: time.Minute}))
	const attempts = 40
	statuses := make(chan resp, attempts)
	var wg sync.WaitGroup
	for range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- e.do("POST", "/v1/sessions", "", map[string]any{"email": "x@y.vn", "password": "wrong password!"})
		}()
	}
	wg.Wait()
	close(statuses)
	limited := 0
	for r := range statuses {
		switch r.status {
		case 429:
			limited++
			if r.header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		case 401:
		default:
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	}
	// Bursts of 10 at 1 per second: most of 40 simultaneous attempts wait.
	if limited < attempts/2 {
		t.Fatalf("%d of %d simultaneous failed logins were limited", limited, attempts)
	}
}
