package console

func (c *Console) importRoutes() {}
