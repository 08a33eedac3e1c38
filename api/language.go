package api

import (
	"github.com/labstack/echo/v4"

	"github.com/keylink/keylink/api/messages"
)

// langKey holds the request's negotiated language in the echo.Context.
const langKey = "keylink.language"

// langChoice is what Accept-Language asked for; asked is false when it named
// neither supported language (or was absent).
type langChoice struct {
	lang  messages.Lang
	asked bool
}

// negotiateLanguage reads Accept-Language once per request and answers
// Content-Language: the JSON default, English, until a page says otherwise.
func negotiateLanguage(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		l, ok := messages.Negotiate(c.Request().Header.Get("Accept-Language"))
		c.Set(langKey, langChoice{l, ok})
		h := c.Response().Header()
		h.Add("Vary", "Accept-Language")
		h.Set("Content-Language", string(lang(c)))
		return next(c)
	}
}

// lang is the language of a JSON answer (problems, match notes, CSV and
// iCalendar files): the one asked for, else English.
func lang(c echo.Context) messages.Lang {
	if ch, ok := c.Get(langKey).(langChoice); ok && ch.asked {
		return ch.lang
	}
	return messages.EN
}

// pageLang is the language of an HTML page: the one asked for, else
// Vietnamese. It sets Content-Language accordingly.
func pageLang(c echo.Context) messages.Lang {
	l := messages.VI
	if ch, ok := c.Get(langKey).(langChoice); ok && ch.asked {
		l = ch.lang
	}
	c.Response().Header().Set("Content-Language", string(l))
	return l
}
