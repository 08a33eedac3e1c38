package supplier

import (
	"github.com/google/uuid"
)

// Registered starts a supplier stream with the firm's full profile.
type Registered struct {
	SupplierID uuid.UUID `json:"supplier_id"`
	Registration
}

// EventType implements domain.Event.
func (Registered) EventType() string { return "SupplierRegistered" }

// SchemaVersion implements domain.Event.
func (Registered) SchemaVersion() int { return 1 }

// ProfileRevised replaces the whole profile; the tax code never changes.
type ProfileRevised struct {
	SupplierID uuid.UUID `json:"supplier_id"`
	Registration
}

// EventType implements domain.Event.
func (ProfileRevised) EventType() string { return "SupplierProfileRevised" }

// SchemaVersion implements domain.Event.
func (ProfileRevised) SchemaVersion() int { return 1 }

// CapabilityDeclared adds a capability with its full description.
type CapabilityDeclared struct {
	SupplierID   uuid.UUID `json:"supplier_id"`
	CapabilityID uuid.UUID `json:"capability_id"`
	CapabilitySpec
}

// EventType implements domain.Event.
func (CapabilityDeclared) EventType() string { return "CapabilityDeclared" }

// SchemaVersion implements domain.Event.
func (CapabilityDeclared) SchemaVersion() int { return 1 }

// CapabilityRevised carries the whole replacement of a capability, so that a
// read model needs no earlier event to show it.
type CapabilityRevised struct {
	SupplierID   uuid.UUID `json:"supplier_id"`
	CapabilityID uuid.UUID `json:"capability_id"`
	CapabilitySpec
}

// EventType implements domain.Event.
func (CapabilityRevised) EventType() string { return "CapabilityRevised" }

// SchemaVersion implements domain.Event.
func (CapabilityRevised) SchemaVersion() int { return 1 }

// CapabilityWithdrawn takes a capability off the directory and out of
// matching for good; it cannot be revised afterwards.
type CapabilityWithdrawn struct {
	SupplierID   uuid.UUID `json:"supplier_id"`
	CapabilityID uuid.UUID `json:"capability_id"`
}

// EventType implements domain.Event.
func (CapabilityWithdrawn) EventType() string { return "CapabilityWithdrawn" }

// SchemaVersion implements domain.Event.
func (CapabilityWithdrawn) SchemaVersion() int { return 1 }

// KeyProductRecognised records the city's decision recognising one product of
// the supplier as a key industrial product for one year.
type KeyProductRecognised struct {
	SupplierID uuid.UUID `json:"supplier_id"`
	KeyProduct
}

// EventType implements domain.Event.
func (KeyProductRecognised) EventType() string { return "KeyProductRecognised" }

// SchemaVersion implements domain.Event.
func (KeyProductRecognised) SchemaVersion() int { return 1 }
