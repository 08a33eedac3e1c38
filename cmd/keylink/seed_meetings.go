package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/google/uuid"
)

// seedMeetings is what loadMeetings added, for the summary.
type seedMeetings struct {
	requests, scheduled, outcomes, feedback int
}

// seedScheduleAnswer is the part of POST /v1/events/{id}/schedule's answer
// the seed reads.
type seedScheduleAnswer struct {
	Meetings []struct {
		ID         uuid.UUID `json:"id"`
		SupplierID uuid.UUID `json:"supplier_id"`
		BuyerID    uuid.UUID `json:"buyer_id"`
	} `json:"meetings"`
}

// loadMeetings brings the events to life once the match lists are built
// (the caller runs the projector and waits for it): interpreters for the
// languages buyers asked for, meeting requests (most accepted, some
// declined), the upcoming conference's schedule published and the fair's
// proposed as a draft for the organiser to review; then the past event,
// backfilled by the organiser, scheduled, and given outcomes and feedback
// (held meetings, no-shows, MoUs and contracts), which also open deals.
func (l *seedLoader) loadMeetings(ctx context.Context, plan seedPlan, sups, buys []uuid.UUID, wait func(context.Context) error) error {
	r := rand.New(rand.NewPCG(l.seed, 0x6d656574))
	if l.eventsSkipped {
		return nil
	}
	var pastID uuid.UUID
	if plan.Past != nil {
		id, err := l.post(ctx, "/v1/events", plan.Past.Details)
		if err != nil {
			return err
		}
		l.events++
		if err := l.register(ctx, id, *plan.Past, sups, buys); err != nil {
			return err
		}
		pastID = id
	}
	type event struct {
		id    uuid.UUID
		plan  plannedEvent
		draft bool
	}
	var events []event
	for i, id := range l.eventIDs {
		events = append(events, event{id, plan.Events[i], plan.Events[i].Details.Kind == "fair"})
	}
	if plan.Past != nil {
		events = append(events, event{pastID, *plan.Past, false})
	}
	for _, e := range events {
		// Requests are the firms' own before an event; the past one has none.
		if err := l.interpretersAndRequests(ctx, r, e.id, e.plan, sups, buys, e.id != pastID); err != nil {
			return err
		}
	}
	for _, e := range events {
		// A schedule is drawn from the match lists once they include every
		// event so far (the server waits 5 s at most; the seed waits here
		// as long as a loaded machine needs).
		if err := wait(ctx); err != nil {
			return fmt.Errorf("seed: waiting for the match lists: %w", err)
		}
		var ans seedScheduleAnswer
		if _, err := l.call(ctx, http.MethodPost, "/v1/events/"+e.id.String()+"/schedule", map[string]any{"draft": e.draft}, &ans); err != nil {
			return err
		}
		l.meetings.scheduled += len(ans.Meetings)
		if !e.draft && e.id != pastID && len(ans.Meetings) > 0 && l.demoUsers == nil {
			if err := l.addDemoUsers(ctx, ans.Meetings[0].SupplierID, ans.Meetings[0].BuyerID); err != nil {
				return err
			}
		}
		if e.id == pastID {
			if err := l.outcomes(ctx, r, pastID, ans); err != nil {
				return err
			}
		}
	}
	return nil
}

// interpretersAndRequests declares interpreters for the languages the
// event's buyers need (one for every three such buyers) and, with requests,
// has about one buyer in five and one supplier in ten ask to meet a firm of
// the other side; two requests in three are accepted, the others declined.
func (l *seedLoader) interpretersAndRequests(ctx context.Context, r *rand.Rand, id uuid.UUID, e plannedEvent, sups, buys []uuid.UUID,
	requests bool) error {
	base := "/v1/events/" + id.String()
	need := map[string]int{}
	var regSups, regBuys []uuid.UUID
	for _, x := range e.Registrations {
		if x.Supplier >= 0 {
			regSups = append(regSups, sups[x.Supplier])
			continue
		}
		regBuys = append(regBuys, buys[x.Buyer])
		if x.Interpreter != "" {
			need[x.Interpreter]++
		}
	}
	for _, lang := range []string{"JP", "KR", "ZH"} {
		if need[lang] == 0 {
			continue
		}
		if _, err := l.post(ctx, base+"/interpreters", map[string]any{"language": lang, "count": (need[lang] + 2) / 3}); err != nil {
			return err
		}
	}
	if !requests || len(regSups) == 0 || len(regBuys) == 0 {
		return nil
	}
	asked := map[[2]uuid.UUID]bool{}
	ask := func(from, to uuid.UUID, pair [2]uuid.UUID) error {
		if asked[pair] {
			return nil
		}
		asked[pair] = true
		rid, err := l.post(ctx, base+"/meeting-requests", map[string]any{"from": from, "to": to})
		if err != nil {
			return err
		}
		l.meetings.requests++
		path := base + "/meeting-requests/" + rid.String()
		if r.IntN(3) < 2 {
			_, err = l.post(ctx, path+"/accept", nil)
		} else {
			reasons := []string{"Đã kín lịch trong khung giờ hội nghị", "Sản phẩm chưa phù hợp nhu cầu hiện tại",
				"Đã có nhà cung cấp cho hạng mục này"}
			_, err = l.post(ctx, path+"/decline", map[string]any{"reason": reasons[r.IntN(len(reasons))]})
		}
		return err
	}
	for _, b := range regBuys {
		if r.IntN(5) == 0 {
			s := regSups[r.IntN(len(regSups))]
			if err := ask(b, s, [2]uuid.UUID{s, b}); err != nil {
				return err
			}
		}
	}
	for _, s := range regSups {
		if r.IntN(10) == 0 {
			b := regBuys[r.IntN(len(regBuys))]
			if err := ask(s, b, [2]uuid.UUID{s, b}); err != nil {
				return err
			}
		}
	}
	return nil
}

// outcomes records what happened at the past event: about one meeting in
// nine was a no-show; of those held, about a third led nowhere, a third to
// a follow-up, one in six to an MoU and one in eight to a contract, with a
// value in dollars. The organiser records each side's feedback on about
// two meetings in three.
func (l *seedLoader) outcomes(ctx context.Context, r *rand.Rand, id uuid.UUID, ans seedScheduleAnswer) error {
	base := "/v1/events/" + id.String() + "/meetings/"
	ratings := []string{"none", "no_interest", "informative", "informative", "cooperation_possible", "cooperation_possible"}
	for _, m := range ans.Meetings {
		body := map[string]any{"status": "held", "result": "none"}
		held := r.IntN(9) != 0
		switch x := r.IntN(100); {
		case !held:
			body["status"] = "no_show"
		case x < 35:
		case x < 68:
			body["result"] = "follow_up"
		case x < 86:
			body["result"] = "mou"
			body["value_usd"] = math.Round(50000*math.Pow(10, r.Float64())/1000) * 1000
		default:
			body["result"] = "contract"
			body["value_usd"] = math.Round(20000*math.Pow(50, r.Float64())/1000) * 1000
		}
		if _, err := l.post(ctx, base+m.ID.String()+"/outcome", body); err != nil {
			return err
		}
		l.meetings.outcomes++
		if r.IntN(3) == 0 {
			continue
		}
		for _, side := range []uuid.UUID{m.SupplierID, m.BuyerID} {
			fb := map[string]any{"organisation_id": side, "took_place": held}
			if held {
				fb["rating"] = ratings[r.IntN(len(ratings))]
			}
			if _, err := l.post(ctx, base+m.ID.String()+"/feedback", fb); err != nil {
				return err
			}
			l.meetings.feedback++
		}
	}
	return nil
}

// Demo users: a user of a supplier and of a buyer that meet at the upcoming
// conference, so that the console can be tried from both sides. Their
// password is public: the seed is a demo dataset, never production data.
const (
	demoSupplierEmail = "nhacungcap@demo.keylink.vn"
	demoBuyerEmail    = "muahang@demo.keylink.vn"
	demoPassword      = "keylink-demo-2026"
)

// demoUser is a seeded user for the summary.
type demoUser struct{ email, role string }

// addDemoUsers invites the demo e-mails to the two firms and accepts the
// invitations with the demo password, as people would.
func (l *seedLoader) addDemoUsers(ctx context.Context, supplierID, buyerID uuid.UUID) error {
	for _, u := range []struct {
		org   uuid.UUID
		email string
		role  string
	}{{supplierID, demoSupplierEmail, "supplier"}, {buyerID, demoBuyerEmail, "buyer"}} {
		var inv struct{ Token string }
		if _, err := l.call(ctx, http.MethodPost, "/v1/organisations/"+u.org.String()+"/invitations", map[string]any{"email": u.email}, &inv); err != nil {
			return err
		}
		var acc struct{ Token string }
		if _, err := l.call(ctx, http.MethodPost, "/v1/invitations/accept", map[string]any{"token": inv.Token, "password": demoPassword}, &acc); err != nil {
			return err
		}
		l.demoUsers = append(l.demoUsers, demoUser{u.email, u.role})
	}
	return nil
}

// call sends body to path with method and decodes a 2xx answer into out
// (when not nil).
func (l *seedLoader) call(ctx context.Context, method, path string, body, out any) (int, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req := httptest.NewRequestWithContext(ctx, method, path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", l.auth)
	rec := httptest.NewRecorder()
	l.h.ServeHTTP(rec, req)
	l.requests++
	if rec.Code < 200 || rec.Code > 299 {
		return rec.Code, &seedStatusError{path: path, code: rec.Code, body: rec.Body.String()}
	}
	if out == nil {
		return rec.Code, nil
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		return rec.Code, fmt.Errorf("%s %s: answer %.200q: %w", method, path, rec.Body.String(), err)
	}
	var pos struct{ Position int64 }
	if json.Unmarshal(rec.Body.Bytes(), &pos) == nil {
		l.position = max(l.position, pos.Position)
	}
	return rec.Code, nil
}

// pastStart is when the seed's past event began: the first Thursday at
// 08:00 in Hanoi at least ten weeks before now.
func pastStart(now time.Time) time.Time {
	d := now.In(ict).AddDate(0, 0, -70)
	return onOrAfter(time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, ict), time.Thursday)
}
