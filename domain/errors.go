package domain

import (
	"errors"
	"fmt"
	"strings"
)

// The error kinds. Every domain error wraps exactly one of them so that the
// API can map it to a status with errors.Is, never by matching strings.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrInvalid   = errors.New("invalid")
	ErrForbidden = errors.New("forbidden")
	// ErrGone is for what existed and can be used no more (a used or expired
	// invitation).
	ErrGone = errors.New("gone")
)

// Errorf builds an error of the given kind with a human-readable detail.
// The format is a key of the message catalogue: the API renders the detail
// in the reader's language from it and args (see Message).
func Errorf(kind error, format string, args ...any) error {
	return &kindError{kind: kind, text: Msgf(format, args...), msg: fmt.Sprintf(format, args...)}
}

type kindError struct {
	kind error
	text Message
	msg  string
}

func (e *kindError) Error() string    { return e.msg }
func (e *kindError) Unwrap() error    { return e.kind }
func (e *kindError) Message() Message { return e.text }

// FieldError names one bad field with a JSON path such as "capacity.quantity".
// Message is the English text; a FieldError made by FieldErrorf or Problems
// also keeps it as a Message for rendering in other languages.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	text    Message
}

// FieldErrorf builds a FieldError whose message is a catalogue format and
// its arguments.
func FieldErrorf(field, format string, args ...any) FieldError {
	m := Msgf(format, args...)
	return FieldError{Field: field, Message: fmt.Sprintf(format, args...), text: m}
}

// Text is the message as a Message; for a FieldError built as a literal it
// is the English text itself, which is then also its catalogue key.
func (f FieldError) Text() Message {
	if f.text.Format == "" {
		return Message{Format: f.Message}
	}
	return f.text
}

// ValidationError lists every bad field of one input at once. It wraps
// ErrInvalid.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Problems collects field errors while validating. The zero value is ready.
type Problems struct {
	fields []FieldError
}

// Add records that field is bad.
func (p *Problems) Add(field, format string, args ...any) {
	p.fields = append(p.fields, FieldErrorf(field, format, args...))
}

// Check records the problem when ok is false.
func (p *Problems) Check(ok bool, field, format string, args ...any) {
	if !ok {
		p.Add(field, format, args...)
	}
}

// Merge adds q's problems under prefix (e.g. "capacity" + "." + field).
func (p *Problems) Merge(prefix string, err error) {
	var v *ValidationError
	if !errors.As(err, &v) {
		if m, ok := MessageOf(err); ok && m.String() == err.Error() {
			p.fields = append(p.fields, FieldError{Field: prefix, Message: err.Error(), text: m})
		} else if err != nil {
			p.Add(prefix, "%s", err.Error())
		}
		return
	}
	for _, f := range v.Fields {
		name := f.Field
		if prefix != "" {
			name = prefix + "." + f.Field
		}
		f.Field = name
		p.fields = append(p.fields, f)
	}
}

// Err returns a *ValidationError when anything was recorded, else nil.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: p.fields}
}
