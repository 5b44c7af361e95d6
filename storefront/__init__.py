"""The white-label customer portal: host name -> storefront, themes, self-service views."""
