package api

import (
	"strings"
	"unicode"

	"github.com/keylink/keylink/api/messages"
	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// summary is a short text of what an event records, for a history, in
// l (the catalogue's keys are the English formats). Each event type has a function of its own, so that a message
// catalogue can take them over one by one; texts typed by people (names,
// titles) are quoted as written. An event this binary cannot decode, or of
// a type without a function, is named after its type.
func summary(r eventstore.Record, l messages.Lang) string {
	switch e := r.Event.(type) {
	case supplier.Registered:
		return summarySupplierRegistered(e, l)
	case supplier.ProfileRevised:
		return summarySupplierProfileRevised(e, l)
	case supplier.CapabilityDeclared:
		return summaryCapabilityDeclared(e, l)
	case supplier.CapabilityRevised:
		return summaryCapabilityRevised(e, l)
	case supplier.CapabilityWithdrawn:
		return summaryCapabilityWithdrawn(e, l)
	case supplier.KeyProductRecognised:
		return summaryKeyProductRecognised(e, l)
	case buyer.Registered:
		return summaryBuyerRegistered(e, l)
	case buyer.DemandPosted:
		return summaryDemandPosted(e, l)
	case buyer.DemandRevised:
		return summaryDemandRevised(e, l)
	case buyer.DemandClosed:
		return summaryDemandClosed(e, l)
	case conference.EventCreated:
		return summaryEventCreated(e, l)
	case conference.FirmRegistered:
		return summaryFirmRegistered(e, l)
	case conference.RegistrationCancelled:
		return summaryRegistrationCancelled(e, l)
	case conference.InterpreterDeclared:
		return summaryInterpreterDeclared(e, l)
	case conference.MeetingRequested:
		return summaryMeetingRequested(e, l)
	case conference.MeetingRequestAccepted:
		return summaryMeetingRequestAccepted(e, l)
	case conference.MeetingRequestDeclined:
		return summaryMeetingRequestDeclined(e, l)
	case conference.ScheduleProposed:
		return summaryScheduleProposed(e, l)
	case conference.SchedulePublished:
		return summarySchedulePublished(e, l)
	case conference.MeetingLocked:
		return summaryMeetingLocked(e, l)
	case conference.MeetingFeedbackGiven:
		return summaryMeetingFeedbackGiven(e, l)
	case conference.MeetingOutcomeRecorded:
		return summaryMeetingOutcomeRecorded(e, l)
	case conference.MeetingUnlocked:
		return summaryMeetingUnlocked(e, l)
	case conference.MeetingMoved:
		return summaryMeetingMoved(e, l)
	case conference.MeetingCancelled:
		return summaryMeetingCancelled(e, l)
	case conference.RegistrationRevised:
		return l.Tf("Registration of %s revised", e.OrganisationID)
	}
	return summaryOfType(r.Type)
}

// summaryOfType spells an event type out: "ConferenceMeetingMoved" ->
// "Conference meeting moved".
func summaryOfType(typ string) string {
	var b strings.Builder
	for i, r := range typ {
		if i > 0 && unicode.IsUpper(r) {
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func summarySupplierRegistered(e supplier.Registered, l messages.Lang) string {
	return l.Tf("Supplier %q registered, tax code %s, district %s", e.Name, e.TaxCode, e.District) + wardSummary(e.Ward)
}

func summarySupplierProfileRevised(e supplier.ProfileRevised, l messages.Lang) string {
	return l.Tf("Profile revised: %q, district %s", e.Name, e.District) + wardSummary(e.Ward)
}

// wardSummary adds a firm's ward to a summary; events from before wards
// have none.
func wardSummary(ward string) string {
	if ward == "" {
		return ""
	}
	return ", " + ward
}

func summaryCapabilityDeclared(e supplier.CapabilityDeclared, l messages.Lang) string {
	return l.Tf("Capability %q declared (%s)", e.Title, e.IndustryGroup)
}

func summaryCapabilityRevised(e supplier.CapabilityRevised, l messages.Lang) string {
	return l.Tf("Capability %q revised (%s)", e.Title, e.IndustryGroup)
}

func summaryCapabilityWithdrawn(e supplier.CapabilityWithdrawn, l messages.Lang) string {
	return l.Tf("Capability %s withdrawn", e.CapabilityID)
}

func summaryKeyProductRecognised(e supplier.KeyProductRecognised, l messages.Lang) string {
	return l.Tf("Key product %q recognised in %d (decision %s)", e.Product, e.RecognizedYear, e.DecisionNo)
}

func summaryBuyerRegistered(e buyer.Registered, l messages.Lang) string {
	return l.Tf("Buyer %q registered, country %s", e.Name, e.Country)
}

func summaryDemandPosted(e buyer.DemandPosted, l messages.Lang) string {
	return l.Tf("Demand %q posted (%s)", e.Title, e.IndustryGroup)
}

func summaryDemandRevised(e buyer.DemandRevised, l messages.Lang) string {
	return l.Tf("Demand %q revised (%s)", e.Title, e.IndustryGroup)
}

func summaryDemandClosed(e buyer.DemandClosed, l messages.Lang) string {
	return l.Tf("Demand %s closed: %s", e.DemandID, e.Reason)
}

func summaryEventCreated(e conference.EventCreated, l messages.Lang) string {
	return l.Tf("%s %q created at %q, %s to %s", l.T(summaryOfType(string(e.Kind))), e.Name, e.Venue,
		e.StartsAt.UTC().Format("2006-01-02 15:04"), e.EndsAt.UTC().Format("2006-01-02 15:04 UTC"))
}

func summaryFirmRegistered(e conference.FirmRegistered, l messages.Lang) string {
	return l.Tf("%s %s registered", l.T(summaryOfType(string(e.Role))), e.OrganisationID)
}

func summaryRegistrationCancelled(e conference.RegistrationCancelled, l messages.Lang) string {
	return l.Tf("Registration of %s cancelled, %d meetings withdrawn", e.OrganisationID, len(e.WithdrawnMeetings))
}

func summaryInterpreterDeclared(e conference.InterpreterDeclared, l messages.Lang) string {
	return l.Tf("%d interpreters for %s declared", e.Count, e.Language)
}

func summaryMeetingRequested(e conference.MeetingRequested, l messages.Lang) string {
	return l.Tf("Meeting of supplier %s and buyer %s requested by %s", e.SupplierID, e.BuyerID, e.RequestedBy)
}

func summaryMeetingRequestAccepted(e conference.MeetingRequestAccepted, l messages.Lang) string {
	return l.Tf("Meeting request of supplier %s and buyer %s accepted by %s", e.SupplierID, e.BuyerID, e.AcceptedBy)
}

func summaryMeetingRequestDeclined(e conference.MeetingRequestDeclined, l messages.Lang) string {
	return l.Tf("Meeting request of supplier %s and buyer %s declined by %s", e.SupplierID, e.BuyerID, e.DeclinedBy)
}

func summaryScheduleProposed(e conference.ScheduleProposed, l messages.Lang) string {
	return l.Tf("Schedule proposed: %d meetings, %d pairs unscheduled", len(e.Meetings), len(e.Unscheduled)+e.LeftOut)
}

func summarySchedulePublished(e conference.SchedulePublished, l messages.Lang) string {
	return l.Tf("Schedule published: %d meetings", len(e.Meetings))
}

func summaryMeetingLocked(e conference.MeetingLocked, l messages.Lang) string {
	return l.Tf("Meeting %s locked at %s", e.Meeting.ID, e.Meeting.StartsAt.UTC().Format("2006-01-02 15:04 UTC"))
}

func summaryMeetingFeedbackGiven(e conference.MeetingFeedbackGiven, l messages.Lang) string {
	return l.Tf("Feedback on meeting %s given by %s %s", e.MeetingID, e.Side, e.OrganisationID)
}

func summaryMeetingOutcomeRecorded(e conference.MeetingOutcomeRecorded, l messages.Lang) string {
	return l.Tf("Outcome of meeting %s recorded: %s, %s", e.MeetingID, e.Status, e.Result)
}

func summaryMeetingUnlocked(e conference.MeetingUnlocked, l messages.Lang) string {
	return l.Tf("Meeting %s unlocked", e.MeetingID)
}

func summaryMeetingMoved(e conference.MeetingMoved, l messages.Lang) string {
	place := l.Tf("table %d", e.Table)
	if e.Booth != "" {
		place = l.Tf("booth %q", e.Booth)
	}
	return l.Tf("Meeting %s moved to %s, %s", e.MeetingID, e.StartsAt.UTC().Format("2006-01-02 15:04 UTC"), place)
}

func summaryMeetingCancelled(e conference.MeetingCancelled, l messages.Lang) string {
	return l.Tf("Meeting %s removed from the schedule", e.MeetingID)
}
