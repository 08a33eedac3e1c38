package api

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/keylink/keylink/domain/buyer"
	"github.com/keylink/keylink/domain/conference"
	"github.com/keylink/keylink/domain/supplier"
	"github.com/keylink/keylink/eventstore"
)

// summary is a short English text of what an event records, for a
// history. Each event type has a function of its own, so that a message
// catalogue can take them over one by one; texts typed by people (names,
// titles) are quoted as written. An event this binary cannot decode, or of
// a type without a function, is named after its type.
func summary(r eventstore.Record) string {
	switch e := r.Event.(type) {
	case supplier.Registered:
		return summarySupplierRegistered(e)
	case supplier.ProfileRevised:
		return summarySupplierProfileRevised(e)
	case supplier.CapabilityDeclared:
		return summaryCapabilityDeclared(e)
	case supplier.CapabilityRevised:
		return summaryCapabilityRevised(e)
	case supplier.CapabilityWithdrawn:
		return summaryCapabilityWithdrawn(e)
	case supplier.KeyProductRecognised:
		return summaryKeyProductRecognised(e)
	case buyer.Registered:
		return summaryBuyerRegistered(e)
	case buyer.DemandPosted:
		return summaryDemandPosted(e)
	case buyer.DemandRevised:
		return summaryDemandRevised(e)
	case buyer.DemandClosed:
		return summaryDemandClosed(e)
	case conference.EventCreated:
		return summaryEventCreated(e)
	case conference.FirmRegistered:
		return summaryFirmRegistered(e)
	case conference.RegistrationCancelled:
		return summaryRegistrationCancelled(e)
	case conference.InterpreterDeclared:
		return summaryInterpreterDeclared(e)
	case conference.MeetingRequested:
		return summaryMeetingRequested(e)
	case conference.MeetingRequestAccepted:
		return summaryMeetingRequestAccepted(e)
	case conference.MeetingRequestDeclined:
		return summaryMeetingRequestDeclined(e)
	case conference.ScheduleProposed:
		return summaryScheduleProposed(e)
	case conference.SchedulePublished:
		return summarySchedulePublished(e)
	case conference.MeetingLocked:
		return summaryMeetingLocked(e)
	case conference.MeetingFeedbackGiven:
		return summaryMeetingFeedbackGiven(e)
	case conference.MeetingOutcomeRecorded:
		return summaryMeetingOutcomeRecorded(e)
	case conference.MeetingUnlocked:
		return summaryMeetingUnlocked(e)
	case conference.MeetingMoved:
		return summaryMeetingMoved(e)
	case conference.MeetingCancelled:
		return summaryMeetingCancelled(e)
	case conference.RegistrationRevised:
		return fmt.Sprintf("Registration of %s revised", e.OrganisationID)
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

func summarySupplierRegistered(e supplier.Registered) string {
	return fmt.Sprintf("Supplier %q registered, tax code %s, district %s", e.Name, e.TaxCode, e.District) + wardSummary(e.Ward)
}

func summarySupplierProfileRevised(e supplier.ProfileRevised) string {
	return fmt.Sprintf("Profile revised: %q, district %s", e.Name, e.District) + wardSummary(e.Ward)
}

// wardSummary adds a firm's ward to a summary; events from before wards
// have none.
func wardSummary(ward string) string {
	if ward == "" {
		return ""
	}
	return ", " + ward
}

func summaryCapabilityDeclared(e supplier.CapabilityDeclared) string {
	return fmt.Sprintf("Capability %q declared (%s)", e.Title, e.IndustryGroup)
}

func summaryCapabilityRevised(e supplier.CapabilityRevised) string {
	return fmt.Sprintf("Capability %q revised (%s)", e.Title, e.IndustryGroup)
}

func summaryCapabilityWithdrawn(e supplier.CapabilityWithdrawn) string {
	return fmt.Sprintf("Capability %s withdrawn", e.CapabilityID)
}

func summaryKeyProductRecognised(e supplier.KeyProductRecognised) string {
	return fmt.Sprintf("Key product %q recognised in %d (decision %s)", e.Product, e.RecognizedYear, e.DecisionNo)
}

func summaryBuyerRegistered(e buyer.Registered) string {
	return fmt.Sprintf("Buyer %q registered, country %s", e.Name, e.Country)
}

func summaryDemandPosted(e buyer.DemandPosted) string {
	return fmt.Sprintf("Demand %q posted (%s)", e.Title, e.IndustryGroup)
}

func summaryDemandRevised(e buyer.DemandRevised) string {
	return fmt.Sprintf("Demand %q revised (%s)", e.Title, e.IndustryGroup)
}

func summaryDemandClosed(e buyer.DemandClosed) string {
	return fmt.Sprintf("Demand %s closed: %s", e.DemandID, e.Reason)
}

func summaryEventCreated(e conference.EventCreated) string {
	return fmt.Sprintf("%s %q created at %q, %s to %s", summaryOfType(string(e.Kind)), e.Name, e.Venue,
		e.StartsAt.UTC().Format("2006-01-02 15:04"), e.EndsAt.UTC().Format("2006-01-02 15:04 UTC"))
}

func summaryFirmRegistered(e conference.FirmRegistered) string {
	return fmt.Sprintf("%s %s registered", summaryOfType(string(e.Role)), e.OrganisationID)
}

func summaryRegistrationCancelled(e conference.RegistrationCancelled) string {
	return fmt.Sprintf("Registration of %s cancelled, %d meetings withdrawn", e.OrganisationID, len(e.WithdrawnMeetings))
}

func summaryInterpreterDeclared(e conference.InterpreterDeclared) string {
	return fmt.Sprintf("%d interpreters for %s declared", e.Count, e.Language)
}

func summaryMeetingRequested(e conference.MeetingRequested) string {
	return fmt.Sprintf("Meeting of supplier %s and buyer %s requested by %s", e.SupplierID, e.BuyerID, e.RequestedBy)
}

func summaryMeetingRequestAccepted(e conference.MeetingRequestAccepted) string {
	return fmt.Sprintf("Meeting request of supplier %s and buyer %s accepted by %s", e.SupplierID, e.BuyerID, e.AcceptedBy)
}

func summaryMeetingRequestDeclined(e conference.MeetingRequestDeclined) string {
	return fmt.Sprintf("Meeting request of supplier %s and buyer %s declined by %s", e.SupplierID, e.BuyerID, e.DeclinedBy)
}

func summaryScheduleProposed(e conference.ScheduleProposed) string {
	return fmt.Sprintf("Schedule proposed: %d meetings, %d pairs unscheduled", len(e.Meetings), len(e.Unscheduled)+e.LeftOut)
}

func summarySchedulePublished(e conference.SchedulePublished) string {
	return fmt.Sprintf("Schedule published: %d meetings", len(e.Meetings))
}

func summaryMeetingLocked(e conference.MeetingLocked) string {
	return fmt.Sprintf("Meeting %s locked at %s", e.Meeting.ID, e.Meeting.StartsAt.UTC().Format("2006-01-02 15:04 UTC"))
}

func summaryMeetingFeedbackGiven(e conference.MeetingFeedbackGiven) string {
	return fmt.Sprintf("Feedback on meeting %s given by %s %s", e.MeetingID, e.Side, e.OrganisationID)
}

func summaryMeetingOutcomeRecorded(e conference.MeetingOutcomeRecorded) string {
	return fmt.Sprintf("Outcome of meeting %s recorded: %s, %s", e.MeetingID, e.Status, e.Result)
}

func summaryMeetingUnlocked(e conference.MeetingUnlocked) string {
	return fmt.Sprintf("Meeting %s unlocked", e.MeetingID)
}

func summaryMeetingMoved(e conference.MeetingMoved) string {
	place := fmt.Sprintf("table %d", e.Table)
	if e.Booth != "" {
		place = fmt.Sprintf("booth %q", e.Booth)
	}
	return fmt.Sprintf("Meeting %s moved to %s, %s", e.MeetingID, e.StartsAt.UTC().Format("2006-01-02 15:04 UTC"), place)
}

func summaryMeetingCancelled(e conference.MeetingCancelled) string {
	return fmt.Sprintf("Meeting %s removed from the schedule", e.MeetingID)
}
