package console

import (
	"errors"
	"net/http"
)

// invitationView is the page where an invited person sets a password.
type invitationView struct {
	Token      string
	Invitation Invitation
	Form       *form
	// CSRF is the anonymous visitor's form token.
	CSRF string
}

// anonCSRF returns the anonymous visitor's CSRF token, setting its secret
// cookie when there is none yet (as the sign-in page does).
func anonCSRF(req *request) string {
	if ck, err := req.r.Cookie(preCookie); err == nil && len(ck.Value) >= 32 {
		return csrfToken(ck.Value)
	}
	secret := newSecret()
	setCookie(req.w, req.r, preCookie, secret, 3600*12)
	return csrfToken(secret)
}

// invitationPage: GET /console/invitations/accept?token=... An unknown,
// used or expired token shows a page saying so (410) rather than a form.
func (c *Console) invitationPage(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, l: pickLang(w, r)}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", string(req.l))
	c.renderInvitation(req, http.StatusOK, r.URL.Query().Get("token"), newForm(nil))
}

// renderInvitation shows the form for a token that can still be accepted,
// or the page saying it cannot.
func (c *Console) renderInvitation(req *request, status int, token string, f *form) {
	inv, err := c.cfg.Backend.Invitation(req.r.Context(), token)
	if err != nil {
		c.invitationFailed(req, err)
		return
	}
	v := invitationView{Token: token, Invitation: inv, Form: f, CSRF: anonCSRF(req)}
	if err := c.render(req, status, "invite", req.l.T("invite.title"), v); err != nil {
		c.cfg.Logger.Error("console: render invitation", "err", err)
	}
}

func (c *Console) invitationFailed(req *request, err error) {
	if errors.Is(err, ErrInvitationGone) {
		c.status(req, http.StatusGone, "invite.gone")
		return
	}
	c.fail(req, err)
}

// acceptInvitation: POST /console/invitations/accept {token, password,
// password2}: the same command as POST /v1/invitations/accept; the new
// user is then signed in, and lands on the firm's page.
func (c *Console) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	req := &request{w: w, r: r, l: pickLang(w, r)}
	w.Header().Set("Cache-Control", "no-store")
	ck, err := r.Cookie(preCookie)
	if err != nil || !validCSRF(r, ck.Value) {
		c.status(req, http.StatusForbidden, "csrf")
		return
	}
	token := r.PostFormValue("token")
	password := r.PostFormValue("password")
	f := newForm(map[string]string{})
	if password != r.PostFormValue("password2") {
		f.add("password2", req.l.T("invite.mismatch"))
		c.renderInvitation(req, http.StatusBadRequest, token, f)
		return
	}
	session, err := c.cfg.Backend.AcceptInvitation(r.Context(), token, password)
	if err != nil {
		if f.addDomain(req.l, err) {
			c.renderInvitation(req, http.StatusBadRequest, token, f)
			return
		}
		c.invitationFailed(req, err)
		return
	}
	setCookie(w, r, preCookie, "", -1)
	setCookie(w, r, sessionCookie, session, sessionMaxAge)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
