package console

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/conferences"
	"github.com/keylink/keylink/projections/search"
)

// orgRoutes registers the organiser's pages: events with their
// registrations, schedule and outcomes, firms, the demand board and
// imports. Every handler runs the API's own routes (see org_api.go).
func (c *Console) orgRoutes() {
	c.mux.HandleFunc("GET /console/events/new", c.org(c.newEventPage))
	c.mux.HandleFunc("POST /console/events", c.org(c.createEvent))
	c.mux.HandleFunc("GET /console/events/{id}", c.org(c.eventPage))
	c.mux.HandleFunc("POST /console/events/{id}/registrations", c.org(c.registerFirm))
	c.mux.HandleFunc("POST /console/events/{id}/schedule", c.org(c.proposeSchedule))
	c.mux.HandleFunc("POST /console/events/{id}/publish", c.org(c.publishSchedule))
	c.mux.HandleFunc("GET /console/events/{id}/files/{file}", c.org(c.eventFile))
	c.mux.HandleFunc("GET /console/events/{id}/meetings/{mid}", c.org(c.meetingPage))
	c.mux.HandleFunc("POST /console/events/{id}/meetings/{mid}/{action}", c.org(c.meetingAction))
	c.firmAdminRoutes()
	c.importRoutes()
}

// org wraps a page of the organisers only. A problem the API answered a
// read with (a malformed search, a cursor it did not give) is shown on the
// error page with its status, in the page's language.
func (c *Console) org(h func(*request) error) http.HandlerFunc {
	return c.page(func(req *request) error {
		if err := organiser(req); err != nil {
			return err
		}
		err := h(req)
		if p := userProblem(err); p != "" {
			return c.render(req, statusOf(err), "error", req.l.T("error"), p)
		}
		return err
	})
}

// venueZone is the city's time, in which times are shown.
var venueZone = time.FixedZone("ICT", 7*3600)

// venueOffset is the offset of the city's venues (Hanoi, no daylight
// saving): times typed without one are there.
const venueOffset = "+07:00"

var (
	dmyTimeRE = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})[ T]+(\d{1,2})[:hg](\d{2})$`)
	isoTimeRE = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})$`)
	clockRE   = regexp.MustCompile(`^(\d{1,2})[:hg](\d{2})$`)
)

// venueTime reads a day and time as people type them, 04/12/2026 08:00 or
// 2026-12-04 08:00, into RFC 3339 at the venue; the API checks the rest.
func venueTime(s string) (string, bool) {
	s = strings.TrimSpace(s)
	var y, mo, d, h, mi string
	if m := dmyTimeRE.FindStringSubmatch(s); m != nil {
		d, mo, y, h, mi = m[1], m[2], m[3], m[4], m[5]
	} else if m := isoTimeRE.FindStringSubmatch(s); m != nil {
		y, mo, d, h, mi = m[1], m[2], m[3], m[4], m[5]
	} else {
		return "", false
	}
	return y + "-" + pad2(mo) + "-" + pad2(d) + "T" + pad2(h) + ":" + mi + ":00" + venueOffset, true
}

// eventInputs are the inputs of the new-event form.
var eventInputs = []string{"kind", "name", "venue", "starts_at", "ends_at", "slot_minutes", "tables",
	"max_meetings_per_participant", "breaks", "max_consecutive"}

// eventBody reads the new-event form into the body of POST /v1/events; the
// form records inputs that are not even times or numbers.
func eventBody(l lang, r *http.Request) (map[string]any, *form) {
	f := read(r, eventInputs...)
	body := map[string]any{"kind": f.V("kind"), "name": f.V("name"), "venue": f.V("venue")}
	for _, n := range []string{"starts_at", "ends_at"} {
		if v, ok := venueTime(f.V(n)); ok {
			body[n] = v
		} else if f.V(n) == "" {
			body[n] = ""
		} else {
			f.add(n, l.T("org.err.datetime"))
		}
	}
	for _, n := range []string{"slot_minutes", "tables", "max_meetings_per_participant"} {
		body[n], _ = f.integer(l, n)
	}
	if f.V("max_consecutive") != "" {
		body["max_consecutive"], _ = f.integer(l, "max_consecutive")
	}
	if f.V("breaks") != "" {
		breaks, ok := breakPeriods(f.V("breaks"), f.V("starts_at"), f.V("ends_at"))
		if ok {
			body["breaks"] = breaks
		} else {
			f.add("breaks", l.T("org.err.breaks"))
		}
	}
	return body, f
}

// breakPeriods reads one break a line: "12:00-13:30" every day of the
// event, or "04/12/2026 12:00-13:30" on that day.
func breakPeriods(text, starts, ends string) ([]map[string]string, bool) {
	from, okF := venueTime(starts)
	to, okT := venueTime(ends)
	var days []string
	if okF && okT {
		a, errA := time.Parse(time.RFC3339, from)
		b, errB := time.Parse(time.RFC3339, to)
		for d := a; errA == nil && errB == nil && !d.After(b) && len(days) < 31; d = d.AddDate(0, 0, 1) {
			days = append(days, d.Format("02/01/2006"))
		}
	}
	var out []map[string]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		on := days
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			on, line = []string{strings.TrimSpace(line[:i])}, strings.TrimSpace(line[i+1:])
		}
		a, b, ok := strings.Cut(strings.ReplaceAll(line, "–", "-"), "-")
		if !ok || !clockRE.MatchString(strings.TrimSpace(a)) || !clockRE.MatchString(strings.TrimSpace(b)) || len(on) == 0 {
			return nil, false
		}
		for _, d := range on {
			f, ok1 := venueTime(d + " " + strings.TrimSpace(a))
			t, ok2 := venueTime(d + " " + strings.TrimSpace(b))
			if !ok1 || !ok2 {
				return nil, false
			}
			out = append(out, map[string]string{"from": f, "to": t})
		}
	}
	return out, true
}

func (c *Console) newEventPage(req *request) error {
	f := newForm(map[string]string{"kind": "conference", "slot_minutes": "30", "tables": "10",
		"max_meetings_per_participant": "8", "breaks": "12:00-13:30"})
	return c.render(req, http.StatusOK, "org_event_new", req.l.T("org.event.new"), f)
}

// createEvent: POST /console/events runs POST /v1/events; bad fields come
// back beside their inputs with what was typed.
func (c *Console) createEvent(req *request) error {
	body, f := eventBody(req.l, req.r)
	if !f.Bad() {
		var a accepted
		err := c.api(req, http.MethodPost, "/v1/events", body, &a)
		if err == nil {
			http.Redirect(req.w, req.r, okURL(Prefix+"events/"+a.ID, a.Position, "org.ok.created"), http.StatusSeeOther)
			return nil
		}
		if !f.addAPI(err, eventInputs...) {
			return err
		}
	}
	return c.render(req, http.StatusBadRequest, "org_event_new", req.l.T("org.event.new"), f)
}

// eventView is the organiser's page of an event.
type eventView struct {
	Event conferences.Event
	// Days is the schedule shown: the draft when there is one, else the
	// published meetings.
	Days      []dayGrid
	Draft     bool
	Proposal  *conferences.Proposal
	Published []conferences.Meeting
	// Q and Firms are the search for a firm to register.
	Q       string
	Firms   []firmHit
	Form    *form
	Problem string
	OK      string
	// Breaks are the event's breaks as times of day, each once.
	Breaks []string
}

// firmHit is a firm found for registration.
type firmHit struct {
	ID         uuid.UUID
	Name       string
	Role       string
	Where      string
	Registered bool
}

// dayGrid is one day of the schedule: a row per slot, a column per table
// (or booth), each cell the meeting there.
type dayGrid struct {
	Day     time.Time
	Columns []string
	Booths  bool
	Rows    []gridRow
}

type gridRow struct {
	Slot  conferences.Slot
	Cells []*conferences.Meeting
	// Break says the slot falls in one of the event's breaks.
	Break bool
}

// scheduleAnswer is GET /v1/events/{id}/schedule.
type scheduleAnswer struct {
	Meetings []conferences.Meeting `json:"meetings"`
	Proposal *conferences.Proposal `json:"proposal"`
}

func eventID(req *request) (uuid.UUID, error) {
	id, err := uuid.Parse(req.r.PathValue("id"))
	if err != nil {
		return uuid.Nil, errNotFound
	}
	return id, nil
}

func (c *Console) eventPage(req *request) error {
	c.waitAfter(req, "conferences")
	return c.renderEvent(req, http.StatusOK, newForm(nil), "")
}

// loadEvent reads an event and its schedule through the API.
func (c *Console) loadEvent(req *request) (conferences.Event, scheduleAnswer, error) {
	var (
		ev conferences.Event
		sc scheduleAnswer
	)
	id, err := eventID(req)
	if err != nil {
		return ev, sc, err
	}
	if err := c.api(req, http.MethodGet, "/v1/events/"+id.String(), nil, &ev); err != nil {
		return ev, sc, err
	}
	err = c.api(req, http.MethodGet, "/v1/events/"+id.String()+"/schedule", nil, &sc)
	return ev, sc, err
}

func (c *Console) renderEvent(req *request, status int, f *form, problem string) error {
	ev, sc, err := c.loadEvent(req)
	if err != nil {
		return err
	}
	v := eventView{Event: ev, Published: sc.Meetings, Proposal: sc.Proposal, Form: f, Problem: problem,
		OK: okMessage(req), Q: strings.TrimSpace(req.r.URL.Query().Get("q"))}
	shown := sc.Meetings
	if sc.Proposal != nil {
		shown, v.Draft = sc.Proposal.Meetings, true
	}
	v.Days = dayGrids(ev, shown)
	for _, b := range ev.Breaks {
		if s := b.From.Format("15:04") + "–" + b.To.Format("15:04"); !slices.Contains(v.Breaks, s) {
			v.Breaks = append(v.Breaks, s)
		}
	}
	if v.Q != "" {
		if v.Firms, err = c.findFirms(req, v.Q, ev); err != nil {
			return err
		}
	}
	return c.render(req, status, "org_event", ev.Name, v)
}

// findFirms looks suppliers and buyers up by name for registration.
func (c *Console) findFirms(req *request, q string, ev conferences.Event) ([]firmHit, error) {
	var sup struct {
		Items []search.SupplierSummary `json:"items"`
	}
	var buy struct {
		Items []board.BuyerSummary `json:"items"`
	}
	qs := url.Values{"q": {q}, "limit": {"10"}}.Encode()
	if err := c.api(req, http.MethodGet, "/v1/suppliers?"+qs, nil, &sup); err != nil {
		return nil, err
	}
	if err := c.api(req, http.MethodGet, "/v1/buyers?"+qs, nil, &buy); err != nil {
		return nil, err
	}
	var out []firmHit
	for _, s := range sup.Items {
		_, reg := ev.Registered(s.ID)
		out = append(out, firmHit{ID: s.ID, Name: s.Name, Role: RoleSupplier, Where: s.District, Registered: reg})
	}
	for _, b := range buy.Items {
		_, reg := ev.Registered(b.ID)
		out = append(out, firmHit{ID: b.ID, Name: b.Name, Role: RoleBuyer, Where: b.Country, Registered: reg})
	}
	return out, nil
}

// dayGrids lays meetings out by day, slot and table (or booth, at fairs).
func dayGrids(ev conferences.Event, ms []conferences.Meeting) []dayGrid {
	if len(ms) == 0 {
		return nil
	}
	var cols []string
	col := map[string]int{}
	booths := false
	key := func(m conferences.Meeting) string {
		if m.Booth != "" {
			return m.Booth
		}
		return strconv.Itoa(m.Table)
	}
	for t := 1; t <= ev.Tables; t++ {
		col[strconv.Itoa(t)] = len(cols)
		cols = append(cols, strconv.Itoa(t))
	}
	for _, m := range ms {
		if _, ok := col[key(m)]; !ok {
			col[key(m)] = len(cols)
			cols = append(cols, key(m))
			booths = booths || m.Booth != ""
		}
	}
	bySlot := map[int][]*conferences.Meeting{}
	for i := range ms {
		bySlot[ms[i].Slot] = append(bySlot[ms[i].Slot], &ms[i])
	}
	var days []dayGrid
	for _, s := range ev.Slots {
		day := time.Date(s.StartsAt.Year(), s.StartsAt.Month(), s.StartsAt.Day(), 0, 0, 0, 0, s.StartsAt.Location())
		if len(days) == 0 || !days[len(days)-1].Day.Equal(day) {
			days = append(days, dayGrid{Day: day, Columns: cols, Booths: booths})
		}
		row := gridRow{Slot: s, Cells: make([]*conferences.Meeting, len(cols))}
		for _, b := range ev.Breaks {
			row.Break = row.Break || s.StartsAt.Before(b.To) && b.From.Before(s.EndsAt)
		}
		for _, m := range bySlot[s.Index] {
			row.Cells[col[key(*m)]] = m
		}
		d := &days[len(days)-1]
		d.Rows = append(d.Rows, row)
	}
	// A day without a meeting says nothing.
	kept := days[:0]
	for _, d := range days {
		for _, r := range d.Rows {
			if hasMeeting(r) {
				kept = append(kept, d)
				break
			}
		}
	}
	return kept
}

func hasMeeting(r gridRow) bool {
	for _, m := range r.Cells {
		if m != nil {
			return true
		}
	}
	return false
}

// registerFirm: POST /console/events/{id}/registrations runs POST
// /v1/events/{id}/registrations for the chosen firm.
func (c *Console) registerFirm(req *request) error {
	id, err := eventID(req)
	if err != nil {
		return err
	}
	f := read(req.r, "organisation_id", "booth", "q")
	body := map[string]any{"organisation_id": f.V("organisation_id")}
	if f.V("booth") != "" {
		body["booth"] = f.V("booth")
	}
	var a accepted
	err = c.api(req, http.MethodPost, "/v1/events/"+id.String()+"/registrations", body, &a)
	if err == nil {
		http.Redirect(req.w, req.r, okURL(Prefix+"events/"+id.String(), a.Position, "org.ok.registered"), http.StatusSeeOther)
		return nil
	}
	if p := userProblem(err); p != "" {
		q := req.r.URL.Query()
		q.Set("q", f.V("q"))
		req.r.URL.RawQuery = q.Encode()
		return c.renderEvent(req, statusOf(err), f, p)
	}
	return err
}

// statusOf is the status of an API problem, 400 for other errors.
func statusOf(err error) int {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return http.StatusBadRequest
}

// eventCommand runs a command on event {id} and shows the event page: with
// the confirmation of key once the read models have it, or with the
// problem the API answered.
func (c *Console) eventCommand(req *request, method, path string, body any, key string) error {
	id, err := eventID(req)
	if err != nil {
		return err
	}
	var a struct {
		Position int64 `json:"position"`
	}
	err = c.api(req, method, "/v1/events/"+id.String()+path, body, &a)
	if err == nil {
		http.Redirect(req.w, req.r, okURL(Prefix+"events/"+id.String(), a.Position, key)+"#schedule", http.StatusSeeOther)
		return nil
	}
	if p := userProblem(err); p != "" {
		return c.renderEvent(req, statusOf(err), newForm(nil), p)
	}
	return err
}

// proposeSchedule: POST /console/events/{id}/schedule proposes a draft.
func (c *Console) proposeSchedule(req *request) error {
	return c.eventCommand(req, http.MethodPost, "/schedule", map[string]any{"draft": true}, "org.ok.proposed")
}

// publishSchedule: POST /console/events/{id}/publish publishes the draft.
func (c *Console) publishSchedule(req *request) error {
	return c.eventCommand(req, http.MethodPost, "/schedule/publish", nil, "org.ok.published")
}

// eventFiles are the downloads of an event: the API's route and query.
var eventFiles = map[string]string{
	"report.html":   "/report?format=html",
	"report.xlsx":   "/report?format=xlsx",
	"report.csv":    "/report?format=csv",
	"schedule.xlsx": "/schedule?format=xlsx",
	"schedule.html": "/schedule?format=html",
}

// eventFile: GET /console/events/{id}/files/{file} hands the API's file
// over as it is (its type, name and, for pages, its own CSP), in the
// page's language.
func (c *Console) eventFile(req *request) error {
	id, err := eventID(req)
	if err != nil {
		return err
	}
	route, ok := eventFiles[req.r.PathValue("file")]
	if !ok {
		return errNotFound
	}
	c.waitAfter(req, "conferences", "matches")
	a, err := c.apiDo(req, http.MethodGet, "/v1/events/"+id.String()+route, "", nil)
	if err != nil {
		return err
	}
	h := req.w.Header()
	for _, k := range []string{"Content-Type", "Content-Disposition", "Content-Security-Policy", "Content-Language"} {
		if v := a.header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	req.w.WriteHeader(a.status)
	_, err = req.w.Write(a.body.Bytes())
	return err
}

// meetingView is one meeting with the organiser's forms.
type meetingView struct {
	Event     conferences.Event
	Meeting   conferences.Meeting
	Published bool
	Tables    []int
	Form      *form
	Problem   string
	OK        string
}

func (c *Console) meetingPage(req *request) error {
	c.waitAfter(req, "conferences")
	return c.renderMeeting(req, http.StatusOK, nil, "")
}

// renderMeeting shows meeting {mid}, published or in the draft.
func (c *Console) renderMeeting(req *request, status int, f *form, problem string) error {
	mid, err := uuid.Parse(req.r.PathValue("mid"))
	if err != nil {
		return errNotFound
	}
	ev, sc, err := c.loadEvent(req)
	if err != nil {
		return err
	}
	v := meetingView{Event: ev, Problem: problem, OK: okMessage(req)}
	found := false
	for _, m := range sc.Meetings {
		if m.ID == mid {
			v.Meeting, v.Published, found = m, true, true
		}
	}
	if !found && sc.Proposal != nil {
		for _, m := range sc.Proposal.Meetings {
			if m.ID == mid {
				v.Meeting, found = m, true
			}
		}
	}
	if !found {
		return errNotFound
	}
	for t := 1; t <= ev.Tables; t++ {
		v.Tables = append(v.Tables, t)
	}
	if f == nil {
		f = newForm(map[string]string{"starts_at": v.Meeting.StartsAt.Format(time.RFC3339), "status": "held", "result": "none"})
		if o := v.Meeting.Outcome; o != nil {
			f.Values["status"], f.Values["result"] = string(o.Status), string(o.Result)
			if o.ValueUSD != nil {
				f.Values["value_usd"] = req.l.Number(*o.ValueUSD)
			}
		}
	}
	v.Form = f
	return c.render(req, status, "org_meeting", req.l.T("org.meeting"), v)
}

// meetingInputs are the inputs of the move and outcome forms.
var meetingInputs = []string{"starts_at", "table", "status", "result", "value_usd"}

// meetingAction: POST /console/events/{id}/meetings/{mid}/{action} runs
// lock, unlock, cancel, move or outcome through the API.
func (c *Console) meetingAction(req *request) error {
	id, err := eventID(req)
	if err != nil {
		return err
	}
	mid, err := uuid.Parse(req.r.PathValue("mid"))
	if err != nil {
		return errNotFound
	}
	base := "/v1/events/" + id.String() + "/meetings/" + mid.String()
	f := read(req.r, meetingInputs...)
	var (
		method       = http.MethodPost
		path         = base + "/" + req.r.PathValue("action")
		body    any  = nil
		backTo       = Prefix + "events/" + id.String() + "/meetings/" + mid.String()
		key          = "org.ok." + req.r.PathValue("action")
		useForm bool = false
	)
	switch req.r.PathValue("action") {
	case "lock", "unlock":
	case "cancel":
		method, path, backTo = http.MethodDelete, base, Prefix+"events/"+id.String()+"#schedule"
	case "move":
		m := map[string]any{"starts_at": f.V("starts_at")}
		if f.V("table") != "" {
			m["table"], _ = f.integer(req.l, "table")
		}
		body, useForm = m, true
	case "outcome":
		m := map[string]any{"status": f.V("status"), "result": f.V("result")}
		if f.V("value_usd") != "" {
			if v, ok := f.number(req.l, "value_usd"); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
				m["value_usd"] = v
			} else {
				f.add("value_usd", req.l.fieldMessage("must be a number"))
			}
		}
		body, useForm = m, true
	default:
		return errNotFound
	}
	if !f.Bad() {
		var a accepted
		err = c.api(req, method, path, body, &a)
		if err == nil {
			http.Redirect(req.w, req.r, okURL(strings.Split(backTo, "#")[0], a.Position, key)+hash(backTo), http.StatusSeeOther)
			return nil
		}
		if !useForm || !f.addAPI(err, meetingInputs...) {
			p := userProblem(err)
			if p == "" {
				return err
			}
			if !useForm {
				f = nil
			}
			return c.renderMeeting(req, statusOf(err), f, p)
		}
	}
	return c.renderMeeting(req, http.StatusBadRequest, f, "")
}

// hash is the fragment of a path, with its #.
func hash(path string) string {
	if i := strings.IndexByte(path, '#'); i >= 0 {
		return path[i:]
	}
	return ""
}
