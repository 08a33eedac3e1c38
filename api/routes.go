package api

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/time/rate"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/domain/rates"
)

// Read models each GET waits for under ?after=P.
var (
	readDirectory = []string{"directory"}
	// readSearch: the directory's search finds the ids, its export reads
	// the rows from the directory itself.
	readSearch = []string{"directory_search", "directory"}
	readBoard  = []string{"board"}
)

// route is one endpoint. Echo serves it and the OpenAPI document describes
// it from the same value, so neither can exist without the other; the
// console's catch-all (outside the document) is the only route not here.
type route struct {
	// method and path, the path in the document's form (/v1/suppliers/{id}).
	method, path string
	handler      echo.HandlerFunc
	summary      string
	// public routes take no bearer token; the others run behind
	// authenticate (401 without a valid token).
	public bool
	// limited routes are held to the per-address sign-in rate (429).
	limited bool
	// reads are the read models a GET waits for under ?after=P.
	reads []string
	// strict refuses, in one 400 naming each, any query parameter other
	// than query and after.
	strict bool
	query  []param
	// formats are the values of ?format= (the first is the default); each
	// adds its media type to the 2xx answer, and csv adds ?section=, one of
	// sections (the tables of the CSV and XLSX answers).
	formats  []string
	sections []string
	// request is the JSON body (bodyOptional: it may be left out); consumes
	// lists the media types of a file upload instead.
	request      any
	bodyOptional bool
	consumes     []string
	// response is the JSON answer, status its status (200 when 0);
	// produces is the media type of a non-JSON answer.
	response any
	status   int
	produces string
	errors   []int
}

// param is a query parameter: its name, what it means and its JSON schema.
type param struct {
	name, about string
	required    bool
	schema      map[string]any
}

// text, integer, uuidParam, flag and oneOf make query parameters of each
// kind; integer takes its minimum and maximum, when it has them.
func qText(name, about string) param {
	return param{name: name, about: about, schema: map[string]any{"type": "string"}}
}

func qInt(name, about string, bounds ...int) param {
	schema := map[string]any{"type": "integer"}
	for i, b := range bounds {
		schema[[]string{"minimum", "maximum"}[i]] = b
	}
	return param{name: name, about: about, schema: schema}
}

func qUUID(name, about string) param {
	return param{name: name, about: about, schema: map[string]any{"type": "string", "format": "uuid"}}
}

func qBool(name, about string) param {
	return param{name: name, about: about, schema: map[string]any{"type": "boolean"}}
}

func qEnum[T ~string](name, about string, values ...T) param {
	return param{name: name, about: about, schema: map[string]any{"type": "string", "enum": strs(values)}}
}

func (p param) mandatory() param { p.required = true; return p }

// Parameters several lists share.
var (
	qLimit     = qInt("limit", "page size", 1)
	qCursor    = qText("cursor", "next_cursor of the previous page")
	qWords     = qText("q", "words to find, ignoring case and Vietnamese diacritics")
	qGroup     = qEnum("industry_group", "", domain.IndustryGroups...)
	qCert      = qText("certification", "a standard held with a certificate valid today; ISO 9001 matches any edition")
	qCountry   = qText("country", "ISO 3166-1 alpha-2")
	qWard      = qText("ward", "one of Hanoi's 126 wards and communes, with or without Phường/Xã, any case and diacritics")
	qPage      = []param{qLimit, qCursor}
	qAgendaOrg = qUUID("organisation_id", "the firm whose agenda (organiser; a firm reads its own)")
)

// writeErrors are the statuses of a command beside 400 and 503 (every
// route) and 401 and 403 (every authenticated one).
var writeErrors = []int{http.StatusNotFound, http.StatusConflict, http.StatusPreconditionFailed, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge}

// routeTable lists every endpoint but the console.
func (s *Server) routeTable() []route {
	found, write := []int{http.StatusNotFound}, writeErrors
	conf := readConferences
	return []route{
		{method: "GET", path: "/healthz", handler: s.healthz, summary: "The process is up", public: true},
		{method: "GET", path: "/readyz", handler: s.readyz, summary: "The database is reachable and the projections are caught up (503 otherwise)", public: true},
		{method: "GET", path: "/metrics", handler: echo.WrapHandler(promhttp.HandlerFor(s.cfg.Gatherer, promhttp.HandlerOpts{})),
			summary: "Prometheus metrics", public: true, produces: "text/plain"},
		{method: "GET", path: "/v1/openapi.json", handler: s.serveOpenAPI, summary: "This document", public: true},

		// Accounts.
		{method: "POST", path: "/v1/signup", handler: s.signup, summary: "Create a supplier or buyer firm and its first user", public: true, limited: true,
			request: signupRequest{}, response: signupAnswer{}, status: http.StatusCreated, errors: []int{http.StatusConflict, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}},
		{method: "POST", path: "/v1/sessions", handler: s.login, summary: "Log in; the same 401 for an unknown e-mail and a wrong password", public: true, limited: true,
			request: sessionRequest{}, response: sessionAnswer{}, status: http.StatusCreated, errors: []int{http.StatusUnauthorized, http.StatusTooManyRequests}},
		{method: "POST", path: "/v1/invitations/accept", handler: s.acceptInvitation, public: true, limited: true,
			summary: "Accept an invitation with a password: creates a user of the invited firm; 410 for an unknown, used or expired token",
			request: acceptRequest{}, response: acceptAnswer{}, status: http.StatusCreated, errors: []int{http.StatusConflict, http.StatusGone, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests}},
		{method: "DELETE", path: "/v1/sessions/current", handler: s.logout, summary: "Revoke the caller's token", status: http.StatusNoContent},
		{method: "POST", path: "/v1/organisations/{id}/invitations", handler: s.invite,
			summary: "Invite an e-mail address to a firm (organiser, or a user of the firm); the one-time token is valid 14 days and shown only here",
			request: inviteRequest{}, response: inviteAnswer{}, status: http.StatusCreated, errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge}},

		// Suppliers.
		{method: "POST", path: "/v1/suppliers", handler: s.registerSupplier, summary: "Register a supplier (organiser)",
			request: supplierRegistration, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "PUT", path: "/v1/suppliers/{id}", handler: s.reviseSupplier, summary: "Replace a supplier's profile (the tax code cannot change)",
			request: supplierRegistration, response: answer{}, errors: write},
		{method: "POST", path: "/v1/suppliers/{id}/capabilities", handler: s.declareCapability, summary: "Declare a capability",
			request: supplierCapability, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "PUT", path: "/v1/suppliers/{id}/capabilities/{cid}", handler: s.reviseCapability, summary: "Replace a capability",
			request: supplierCapability, response: answer{}, errors: write},
		{method: "DELETE", path: "/v1/suppliers/{id}/capabilities/{cid}", handler: s.withdrawCapability, summary: "Withdraw a capability",
			response: answer{}, errors: write},
		{method: "POST", path: "/v1/suppliers/{id}/key-products", handler: s.recogniseKeyProduct, summary: "Record the city's key-product recognition (organiser)",
			request: supplierKeyProduct, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "GET", path: "/v1/suppliers/{id}", handler: s.getSupplier, reads: readDirectory,
			summary: "A supplier's profile with its capabilities and key products", response: supplierProfile, errors: found},
		{method: "GET", path: "/v1/suppliers", handler: s.searchSuppliers, reads: readSearch,
			summary: "The supplier directory: words of names, key products, capabilities and ward (ignoring case, Vietnamese diacritics, English plurals and spellings), most relevant first with q, else by name; certification=ISO 9001 is any edition with a certificate valid today; cursor pagination and total; an unknown parameter is a 400",
			query: []param{qWords, qGroup, qCert, qText("district", "the former district"), qWard,
				qBool("key_product", "only firms with a recognised key product"), qInt("recognized_year", "year of a key-product recognition", 1900, 9999),
				qText("tax_code", "10 digits, optionally - and 3 digits"), qLimit, qCursor},
			formats: []string{formatJSON, formatCSV, formatXLSX}, sections: sheetNames(supplierSheets(nil)), response: supplierPage},
		{method: "GET", path: "/v1/suppliers/{id}/history", handler: s.supplierHistory,
			summary:  "A supplier's events, oldest first: who did what and when (organiser, or the supplier)",
			response: historyPage{}, query: qPage, errors: found},
		{method: "GET", path: "/v1/suppliers/{id}/matches", handler: s.supplierMatches, reads: readMatches, strict: true,
			summary:  "The open demands a supplier can serve, best first (organiser or the supplier)",
			response: supplierMatchList, query: []param{qLimit}, errors: found},
		{method: "POST", path: "/v1/suppliers/{id}/support", handler: s.recordSupport,
			summary: "Record the city's support to a supplier under a programme in a year (organiser)",
			request: supportGrant, response: answer{}, status: http.StatusCreated, errors: dealWriteErrors},

		// Buyers and demands.
		{method: "POST", path: "/v1/buyers", handler: s.registerBuyer, summary: "Register an FDI buyer (organiser)",
			request: buyerRegistration, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "POST", path: "/v1/buyers/{id}/demands", handler: s.postDemand, summary: "Post a demand",
			request: buyerDemand, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "PUT", path: "/v1/buyers/{id}/demands/{did}", handler: s.reviseDemand, summary: "Replace an open demand",
			request: buyerDemand, response: answer{}, errors: write},
		{method: "POST", path: "/v1/buyers/{id}/demands/{did}/close", handler: s.closeDemand, summary: "Close a demand as fulfilled or cancelled",
			request: closeRequest{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/buyers/{id}", handler: s.getBuyer, reads: readBoard,
			summary: "A buyer's profile with its demands", response: buyerProfile, errors: found},
		{method: "GET", path: "/v1/buyers", handler: s.listBuyers, reads: readBoard,
			summary:  "The buyer list: words of names and parent groups, most relevant first with q, else by name; cursor pagination and total",
			response: buyerPage, query: []param{qWords, qCountry, qWard, qLimit, qCursor}},
		{method: "GET", path: "/v1/buyers/{id}/history", handler: s.buyerHistory,
			summary:  "A buyer's events, oldest first: who did what and when (organiser, or the buyer)",
			response: historyPage{}, query: qPage, errors: found},
		{method: "GET", path: "/v1/demands", handler: s.listDemands, reads: readBoardMatches,
			summary:  "The board of open demands, newest first (most relevant first with q); hs is a code prefix; a supplier reads each demand with its own match (null when none), others without the match field",
			response: demandBoardPage, query: []param{qWords, qGroup, qText("hs", "an HS code prefix"), qCert, qCountry, qLimit, qCursor}},
		{method: "GET", path: "/v1/demands/{did}/matches", handler: s.demandMatches, reads: readMatches, strict: true,
			summary:  "A demand's ranked, explained match list, best first (organiser or the demand's buyer)",
			response: demandMatchList, query: []param{qLimit}, formats: []string{formatJSON, formatCSV, formatXLSX},
			sections: sheetNames(matchSheets(demandMatchList)), errors: found},

		// Conferences and trade fairs.
		{method: "POST", path: "/v1/events", handler: s.createEvent, summary: "Create a conference or trade fair (organiser)",
			request: eventInput{}, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "GET", path: "/v1/events", handler: s.listEvents, reads: conf, strict: true, summary: "Every event, latest first", response: eventList{}},
		{method: "GET", path: "/v1/events/{id}", handler: s.getEvent, reads: conf,
			summary: "An event with its slots and registered firms (a firm sees others' names and roles only)", response: eventView, errors: found},
		{method: "GET", path: "/v1/events/{id}/history", handler: s.eventHistory,
			summary:  "A conference's or fair's events, oldest first: who did what and when (organiser)",
			response: historyPage{}, query: qPage, errors: found},
		{method: "POST", path: "/v1/events/{id}/registrations", handler: s.registerFirm,
			summary: "Register a firm (organiser, or the firm itself); the role is the organisation's",
			request: registrationInput{}, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "PUT", path: "/v1/events/{id}/registrations/{org}", handler: s.reviseRegistration,
			summary: "Revise a registration: booth, unavailable times, SME flag (a supplier's follows its profile when left out), interpreter need, meeting cap",
			request: registrationInput{}, response: answer{}, errors: write},
		{method: "DELETE", path: "/v1/events/{id}/registrations/{org}", handler: s.cancelRegistration,
			summary: "Cancel a registration; its meetings that have not started are withdrawn", response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/interpreters", handler: s.declareInterpreters,
			summary: "Set how many interpreters of a language are free in every slot (organiser)",
			request: interpretersInput{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/events/{id}/meeting-requests", handler: s.listMeetingRequests, reads: conf,
			summary: "Meeting requests: all for the organiser, a firm's own for a firm", response: requestList{}, errors: found},
		{method: "POST", path: "/v1/events/{id}/meeting-requests", handler: s.requestMeeting,
			summary: "Ask to meet a firm of the other side (from/to, or supplier_id/buyer_id)",
			request: requestInput{}, response: answer{}, status: http.StatusCreated, errors: write},
		{method: "POST", path: "/v1/events/{id}/meeting-requests/{rid}/accept", handler: s.acceptMeetingRequest,
			summary: "Accept a request (the counterpart or the organiser); it is scheduled first", response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meeting-requests/{rid}/decline", handler: s.declineMeetingRequest,
			summary: "Decline a request (the counterpart or the organiser)",
			request: declineInput{}, bodyOptional: true, response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/schedule", handler: s.proposeSchedule,
			summary: "Schedule the registered firms from their match lists (organiser): published at once, or a draft with {\"draft\": true}",
			request: proposeInput{}, bodyOptional: true, response: scheduleAnswer{}, errors: write},
		{method: "GET", path: "/v1/events/{id}/schedule", handler: s.getSchedule, reads: conf,
			summary:  "Published meetings and the draft (organiser); a firm's own published meetings (firm); ?format=html gives printable A4 pages, one per day and table; the sections proposal and unscheduled are there while a draft is",
			response: scheduleView{}, formats: []string{formatJSON, formatCSV, formatXLSX, formatHTML},
			sections: sheetNames(scheduleSheets(draftSchedule, time.UTC)), errors: found},
		{method: "POST", path: "/v1/events/{id}/schedule/publish", handler: s.publishSchedule,
			summary: "Publish the proposal; firms then see it (organiser)", response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/lock", handler: s.lockMeeting,
			summary: "Keep a proposed meeting where it is in later proposals (organiser)", response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/unlock", handler: s.unlockMeeting,
			summary: "Let later proposals move a locked meeting again (organiser)", response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/move", handler: s.moveMeeting,
			summary: "Move a meeting that has not started to another slot and table (organiser); a moved draft meeting is locked",
			request: moveInput{}, response: answer{}, errors: write},
		{method: "DELETE", path: "/v1/events/{id}/meetings/{mid}", handler: s.cancelMeeting,
			summary: "Cancel a meeting that has not started (organiser); published ones show as withdrawn", response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/feedback", handler: s.giveFeedback,
			summary: "One side's word on a meeting that ended: took place, rating",
			request: feedbackInput{}, response: answer{}, errors: write},
		{method: "POST", path: "/v1/events/{id}/meetings/{mid}/outcome", handler: s.recordOutcome,
			summary: "What a meeting that ended led to (organiser)", request: outcomeInput{}, response: answer{}, errors: write},
		{method: "GET", path: "/v1/events/{id}/agenda", handler: s.getAgenda, reads: conf,
			summary:  "A firm's own meetings (organiser: any firm's, with organisation_id)",
			response: agenda{}, query: []param{qAgendaOrg}, errors: found},
		{method: "GET", path: "/v1/events/{id}/agenda.ics", handler: s.getAgendaICS, reads: conf,
			summary: "The same agenda as an iCalendar file", query: []param{qAgendaOrg}, produces: "text/calendar", errors: found},
		{method: "GET", path: "/v1/events/{id}/report", handler: s.getReport, reads: s.reportReads(),
			summary:  "The outcome report as JSON, CSV (UTF-8 with BOM; the whole report, or one table with section), XLSX or a printable HTML page with SVG charts (organiser)",
			response: eventReport, formats: []string{formatJSON, formatCSV, formatHTML, formatXLSX},
			sections: sheetNames(reportSheets(eventReport)), errors: found},

		// Files.
		{method: "POST", path: "/v1/imports", handler: s.postImport,
			summary: "Import an .xlsx or .csv file (body or multipart field \"file\") of kind key_products, suppliers, buyers, " +
				"demands or registrations (with event_id); dry_run=true writes nothing; a file with any error writes nothing (organiser)",
			consumes: []string{mimeXLSX, mimeCSV, "multipart/form-data"}, response: ImportReport{},
			query: []param{qEnum("kind", "what the rows are", importKindNames()...).mandatory(), qBool("dry_run", "check the file, write nothing"),
				qUUID("event_id", "the event of kind=registrations")},
			errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType}},

		// Deals and the programme.
		{method: "POST", path: "/v1/deals", handler: s.openDeal,
			summary: "Open a deal between a supplier and a buyer, about a demand or none (organiser, or either firm); one per supplier, buyer and demand (409 names the existing one)",
			request: dealInput{}, response: answer{}, status: http.StatusCreated, errors: dealWriteErrors},
		{method: "POST", path: "/v1/deals/{id}/stage", handler: s.moveDeal,
			summary: "Move a deal to a stage, with a value in the currency's main unit, a date and a note (the reason when lost)",
			request: stageInput{}, response: answer{}, errors: dealWriteErrors},
		{method: "POST", path: "/v1/deals/{id}/mou", handler: s.signMoU,
			summary: "Record an MoU signed outside a recorded meeting (organiser, or either firm); MoUs are not a stage",
			request: mouInput{}, bodyOptional: true, response: answer{}, errors: dealWriteErrors},
		{method: "GET", path: "/v1/deals", handler: s.listDeals, reads: readProgramme,
			summary:  "Deals (a firm's own for a firm); stale=true: open deals unchanged for 30 days, to chase",
			response: dealPage, query: []param{qEnum("stage", "", deal.Stages...), qUUID("buyer_id", ""), qUUID("supplier_id", ""),
				qBool("stale", "open deals unchanged for 30 days"), qLimit, qCursor}},
		{method: "GET", path: "/v1/deals/{id}", handler: s.getDeal, reads: readProgramme, summary: "A deal with its history", response: dealView, errors: found},
		{method: "PUT", path: "/v1/programme/rates/{year}", handler: s.setRates,
			summary: "Replace a year's exchange rates, dong per unit: {\"USD\": 25400} (organiser)",
			request: ratesBody, response: answer{}, errors: dealWriteErrors},
		{method: "GET", path: "/v1/programme/rates/{year}", handler: s.getRates, reads: readProgramme,
			summary: "A year's exchange rates (organiser)", response: ratesAnswer{}, errors: found},
		{method: "GET", path: "/v1/programme/report", handler: s.getProgrammeReport, reads: programmeReads,
			summary:  "The city's indicators of a year beside their targets and the year before, as JSON, a Vietnamese HTML page (English with Accept-Language: en) or XLSX (organiser)",
			response: programmeReport, query: []param{qInt("year", "", rates.MinYear, rates.MaxYear).mandatory()}, formats: []string{formatJSON, formatHTML, formatXLSX}},
	}
}

// queryParams are the route's query parameters: query, then format and
// section when it has formats (after, which every GET takes, is not here).
func (r route) queryParams() []param {
	query := slices.Clone(r.query)
	if len(r.formats) > 0 {
		query = append(query, qEnum("format", "the answer's form (default "+r.formats[0]+")", r.formats...))
		if slices.Contains(r.formats, formatCSV) {
			query = append(query, qEnum("section", "with format=csv: the one table to give (default the first); format=xlsx gives every table, one sheet each", r.sections...))
		}
	}
	return query
}

// dealWriteErrors are the statuses of a deal or programme write.
var dealWriteErrors = append(slices.Clone(writeErrors), http.StatusForbidden)

// reportReads are the read models GET /v1/events/{id}/report waits for: it
// counts the match lists too when that projection runs.
func (s *Server) reportReads() []string {
	if s.proj.Projection("matches") != nil {
		return append(slices.Clone(readConferences), "matches")
	}
	return readConferences
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

// echoPath is path in Echo's form: /v1/suppliers/:id.
func echoPath(path string) string { return pathParam.ReplaceAllString(path, ":$1") }

// routes registers every route of routeTable on Echo and builds the OpenAPI
// document from the same table.
func (s *Server) routes() error {
	table := s.routeTable()
	doc, err := openapiDoc(table, fieldDocs)
	if err != nil {
		return err
	}
	s.openapi = doc
	v1 := s.e.Group("/v1")
	auth := v1.Group("", s.authenticate)
	limit := s.loginLimit()
	for _, r := range table {
		var mw []echo.MiddlewareFunc
		if r.limited {
			mw = append(mw, limit)
		}
		if r.reads != nil {
			mw = append(mw, s.after(r.reads))
		}
		if r.strict {
			var names []string
			for _, q := range r.queryParams() {
				names = append(names, q.name)
			}
			mw = append(mw, paramsOnly(names...))
		}
		path := echoPath(r.path)
		switch {
		case !strings.HasPrefix(path, "/v1/"):
			s.e.Add(r.method, path, r.handler, mw...)
		case r.public:
			v1.Add(r.method, strings.TrimPrefix(path, "/v1"), r.handler, mw...)
		default:
			auth.Add(r.method, strings.TrimPrefix(path, "/v1"), r.handler, mw...)
		}
	}
	return nil
}

// loginLimit holds sign-up, login and the acceptance of invitations to
// LoginRate per client address.
func (s *Server) loginLimit() echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(s.cfg.LoginRate), Burst: s.cfg.LoginBurst, ExpiresIn: 10 * time.Minute}),
		DenyHandler:  func(c echo.Context, _ string, _ error) error { return errTooManyRequests },
		ErrorHandler: func(c echo.Context, _ error) error { return errTooManyRequests },
	})
}

// after implements ?after=P: wait until the named read models have applied
// the event at global position P, at most 5 s, else 503 with Retry-After.
func (s *Server) after(names []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			raw := c.QueryParam("after")
			if raw == "" {
				return next(c)
			}
			pos, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || pos < 0 {
				return invalid("after", "must be a non-negative integer position")
			}
			ctx, cancel := contextWithTimeout(c, 5*time.Second)
			defer cancel()
			if err := s.proj.WaitFor(ctx, names, pos); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// sheetNames are the names of sheets, the values of ?section=.
func sheetNames(sheets []sheet) []string {
	names := make([]string, len(sheets))
	for i, sh := range sheets {
		names[i] = sh.Name
	}
	return names
}

// strs turns a list of string-typed values into strings.
func strs[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
