package api

import (
	"maps"
	"reflect"
	"slices"

	"github.com/keylink/keylink/domain"
	"github.com/keylink/keylink/domain/account"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/deal"
	"github.com/keylink/keylink/domain/rates"
	"github.com/keylink/keylink/domain/schedule"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/domain/support"
	"github.com/keylink/keylink/projections/board"
	"github.com/keylink/keylink/projections/conferences"
	"github.com/keylink/keylink/projections/directory"
	"github.com/keylink/keylink/projections/matches"
	"github.com/keylink/keylink/projections/programme"
	"github.com/keylink/keylink/projections/search"
)

// The bodies and answers the route table takes from other packages, named
// once here.
var (
	supplierRegistration = supplier.Registration{}
	supplierCapability   = supplier.Capability{}
	supplierKeyProduct   = supplier.KeyProduct{}
	supplierProfile      = directory.Supplier{}
	supplierPage         = search.SupplierPage{}
	supplierMatchList    = matches.SupplierMatchList{}
	supportGrant         = support.Grant{}
	buyerRegistration    = buyer.Registration{}
	buyerDemand          = buyer.Demand{}
	buyerProfile         = board.Buyer{}
	buyerPage            = board.BuyerPage{}
	demandBoardPage      = board.MatchedDemandPage{}
	demandMatchList      = matches.DemandMatchList{}
	eventView            = conferences.Event{}
	eventReport          = conferences.Report{}
	dealPage             = programme.DealPage{}
	dealView             = programme.Deal{}
	programmeReport      = programme.ProgrammeReport{}
	ratesBody            = foreignRates()
	// draftSchedule has a draft, so that its tables are all there.
	draftSchedule = scheduleView{Proposal: &conferences.Proposal{}}
)

// foreignRates is the body of PUT /v1/programme/rates/{year}: an object
// with an optional number, dong per unit, for each of rates.Foreign.
func foreignRates() any {
	var fields []reflect.StructField
	for _, c := range rates.Foreign {
		fields = append(fields, reflect.StructField{Name: c, Type: reflect.TypeFor[float64](), Tag: reflect.StructTag(`json:"` + c + `,omitempty"`)})
	}
	return reflect.New(reflect.StructOf(fields)).Elem().Interface()
}

// Closed sets of values the domain declares as constants.
var (
	interpreterLanguages = []schedule.Language{schedule.Japanese, schedule.Korean, schedule.Chinese}
	meetingResults       = []conference.Result{conference.ResultNone, conference.ResultFollowUp, conference.ResultMoU, conference.ResultContract}
)

// enumTypes are the domain's string types with a closed set of values: a
// field of one of them is documented with its enum wherever it appears.
var enumTypes = map[reflect.Type][]string{
	reflect.TypeFor[domain.IndustryGroup](): strs(domain.IndustryGroups),
	reflect.TypeFor[domain.Unit]():          strs(domain.Units),
	reflect.TypeFor[domain.Ownership]():     strs([]domain.Ownership{domain.Domestic, domain.FDI, domain.JointVenture}),
	reflect.TypeFor[account.Role]():         strs([]account.Role{account.RoleSupplier, account.RoleBuyer}),
	reflect.TypeFor[buyer.Status]():         strs([]buyer.Status{buyer.Open, buyer.Fulfilled, buyer.Cancelled}),
	reflect.TypeFor[conference.Kind]():      strs([]conference.Kind{conference.KindConference, conference.KindFair}),
	reflect.TypeFor[conference.Role]():      strs([]conference.Role{conference.Supplier, conference.Buyer}),
	reflect.TypeFor[conference.RequestStatus](): strs([]conference.RequestStatus{conference.Pending, conference.Accepted,
		conference.Declined}),
	reflect.TypeFor[conference.Rating](): strs([]conference.Rating{conference.RatingNone, conference.RatingNoInterest,
		conference.RatingInformative, conference.RatingCooperationPossible}),
	reflect.TypeFor[conference.Status]():     strs([]conference.Status{conference.Held, conference.NoShow}),
	reflect.TypeFor[conference.Result]():     strs(meetingResults),
	reflect.TypeFor[conference.Attendance](): strs(attendances),
	reflect.TypeFor[schedule.Language]():     strs(interpreterLanguages),
	reflect.TypeFor[schedule.Reason](): strs([]schedule.Reason{schedule.NotRegistered, schedule.DuplicatePair, schedule.NoCommonSlot,
		schedule.SupplierCapReached, schedule.BuyerCapReached, schedule.NoFreeSlot, schedule.NoTable, schedule.NoInterpreter,
		schedule.TooManyInARow}),
	reflect.TypeFor[deal.Stage]():    strs(deal.Stages),
	reflect.TypeFor[deal.Currency](): strs(deal.Currencies),
	reflect.TypeFor[support.Kind]():  strs(support.Kinds),
}

var attendances = []conference.Attendance{conference.AttendanceHeld, conference.AttendanceNoShow, conference.AttendanceUnreported}

// fieldDocs document the fields whose Go type says too little: plain
// strings with a closed set of values or a format, and request fields that
// may be left out although the decoder cannot tell (or must be given
// although they are pointers). openapiDoc fails when an entry names no
// field, so a renamed field cannot lose its documentation silently.
var fieldDocs = map[fieldKey]fieldDoc{
	field[signupRequest]("role"): {enum: strs([]account.Role{account.RoleSupplier, account.RoleBuyer})},
	field[signupRequest]("organisation"): {about: "the firm's profile: as POST /v1/suppliers for a supplier, as POST /v1/buyers for a buyer",
		oneOf: []reflect.Type{reflect.TypeOf(supplierRegistration), reflect.TypeOf(buyerRegistration)}},
	field[sessionAnswer]("role"):                      {enum: []string{RoleOrganiser, RoleSupplier, RoleBuyer}},
	field[acceptAnswer]("role"):                       {enum: []string{RoleSupplier, RoleBuyer}},
	field[domain.Rate]("per"):                         {enum: []string{"month"}},
	field[closeRequest]("reason"):                     {enum: strs([]buyer.Status{buyer.Fulfilled, buyer.Cancelled})},
	field[supplier.CertificationInput]("valid_until"): {format: "date"},
	field[buyer.Demand]("needed_by"):                  {format: "date"},

	field[eventInput]("starts_at"): {format: "date-time"},
	field[eventInput]("ends_at"):   {format: "date-time"},
	field[periodInput]("from"):     {format: "date-time"},
	field[periodInput]("to"):       {format: "date-time"},
	field[registrationInput]("organisation_id"): {format: "uuid", optional: true,
		about: "required to register; on PUT, when given, it must be the path's"},
	field[registrationInput]("booth"):                       {optional: true},
	field[registrationInput]("unavailable"):                 {optional: true},
	field[registrationInput]("max_meetings"):                {optional: true},
	field[registrationInput]("interpreter_language"):        {optional: true, enum: strs(interpreterLanguages)},
	field[interpretersInput]("count"):                       {required: true},
	field[requestInput]("from"):                             {format: "uuid", optional: true, about: "the asking firm (with to)"},
	field[requestInput]("to"):                               {format: "uuid", optional: true, about: "the firm asked (with from)"},
	field[requestInput]("supplier_id"):                      {format: "uuid", optional: true, about: "instead of from/to: the supplier (with buyer_id)"},
	field[requestInput]("buyer_id"):                         {format: "uuid", optional: true, about: "instead of from/to: the buyer (with supplier_id)"},
	field[requestInput]("demand_id"):                        {format: "uuid", optional: true},
	field[declineInput]("reason"):                           {optional: true},
	field[moveInput]("starts_at"):                           {format: "date-time"},
	field[feedbackInput]("organisation_id"):                 {format: "uuid", optional: true, about: "the side giving it (organiser); a firm gives its own"},
	field[feedbackInput]("took_place"):                      {required: true},
	field[feedbackInput]("rating"):                          {optional: true, about: "none when left out"},
	field[agendaMeeting]("interpreter_language"):            {enum: strs(interpreterLanguages)},
	field[agendaMeeting]("status"):                          {enum: []string{agendaConfirmed, agendaCancelled}},
	field[conferences.Registration]("interpreter_language"): {enum: strs(interpreterLanguages)},
	field[conferences.Meeting]("interpreter_language"):      {enum: strs(interpreterLanguages)},
	field[conferences.Meeting]("state"): {enum: []string{conferences.StateProposed, conferences.StatePublished,
		conferences.StateWithdrawn}},
	field[conferences.ReportMeeting]("status"): {enum: strs(attendances)},

	field[stageInput]("currency"):                   {enum: strs(deal.Currencies)},
	field[stageInput]("on"):                         {format: "date"},
	field[mouInput]("currency"):                     {enum: strs(deal.Currencies)},
	field[mouInput]("on"):                           {format: "date"},
	field[programme.Amount]("currency"):             {enum: strs(deal.Currencies)},
	field[programme.DealChange]("stage"):            {enum: strs(deal.Stages)},
	field[programme.DealChange]("result"):           {enum: strs(meetingResults)},
	field[programme.GroupFigures]("industry_group"): {enum: strs(domain.IndustryGroups)},
	field[programme.RatesUsed]("missing"):           {enum: strs(deal.Currencies)},
	field[ImportReport]("kind"):                     {enum: importKindNames()},
}

// field names the field of T with the JSON name name.
func field[T any](name string) fieldKey { return fieldKey{reflect.TypeFor[T](), name} }

// importKindNames are the kinds POST /v1/imports takes, sorted.
func importKindNames() []string { return slices.Sorted(maps.Keys(importKinds)) }
