package console

func (c *Console) firmAdminRoutes() {}
