package account

import (
	"unicode/utf8"

	"github.com/keylink/keylink/domain"
)

// Password bounds. Length is counted in characters (runes) so that a
// Vietnamese passphrase is not penalised for its diacritics; the byte limit
// keeps hashing cheap.
const (
	MinPasswordLen   = 12
	MaxPasswordBytes = 1024
)

// CheckPassword checks a password before it is hashed: valid UTF-8, at least
// MinPasswordLen characters, at most MaxPasswordBytes bytes. It reports a
// *domain.ValidationError on field "password" whose message never echoes the
// password. Passwords are taken as typed, never trimmed.
func CheckPassword(pw string) error {
	var p domain.Problems
	switch {
	case !utf8.ValidString(pw):
		p.Add("password", "must be valid UTF-8")
	case len(pw) > MaxPasswordBytes:
		p.Add("password", "must be at most %d bytes", MaxPasswordBytes)
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		p.Add("password", "must be at least %d characters", MinPasswordLen)
	}
	return p.Err()
}
