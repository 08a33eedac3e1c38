package domain

import "encoding/json"

// Date embeds time.Time, whose promoted MarshalJSON and UnmarshalJSON would
// otherwise win over Date's text methods in encoding/json: dates would be
// stored as RFC 3339 timestamps and "2027-06-30" would not decode. These two
// keep the contract's YYYY-MM-DD in JSON.

// MarshalJSON implements json.Marshaler.
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON implements json.Unmarshaler; null leaves d unchanged.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return Errorf(ErrInvalid, "must be a date YYYY-MM-DD")
	}
	return d.UnmarshalText([]byte(s))
}
