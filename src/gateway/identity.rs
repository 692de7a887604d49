//! Where the caller's identity and address come from.

use std::net::{IpAddr, SocketAddr};

use http::HeaderMap;
use http::header::HeaderName;

/// The most groups one request may assert; more is a bad request.
pub const MAX_GROUPS: usize = 256;

/// The names of the trusted headers that carry the caller's identity (see the
/// [module docs](crate::gateway) for the trust assumption). `None` ignores that piece.
///
/// ```
/// use ims_iam::gateway::IdentityHeaders;
/// let headers = IdentityHeaders {
///     user: http::HeaderName::from_static("x-auth-user"),
///     groups: None, // groups only from the principals file
///     ..IdentityHeaders::default()
/// };
/// assert_eq!(headers.project.as_ref().map(|h| h.as_str()), Some("x-project-id"));
/// ```
#[derive(Debug, Clone)]
pub struct IdentityHeaders {
    /// The user name (`X-User-Name`).
    pub user: HeaderName,
    /// The user's groups, comma-separated (`X-User-Groups`).
    pub groups: Option<HeaderName>,
    /// The user id, for `g:UserId` (`X-User-Id`).
    pub user_id: Option<HeaderName>,
    /// The account name, for `g:DomainName` (`X-Domain-Name`).
    pub domain_name: Option<HeaderName>,
    /// The request's IAM project (`X-Project-Id`).
    pub project: Option<HeaderName>,
    /// The enterprise project of the resource (`X-Enterprise-Project-Id`).
    pub enterprise_project: Option<HeaderName>,
    /// The request id for logs and error bodies (`X-Request-Id`).
    pub request_id: Option<HeaderName>,
}

impl Default for IdentityHeaders {
    fn default() -> Self {
        IdentityHeaders {
            user: HeaderName::from_static("x-user-name"),
            groups: Some(HeaderName::from_static("x-user-groups")),
            user_id: Some(HeaderName::from_static("x-user-id")),
            domain_name: Some(HeaderName::from_static("x-domain-name")),
            project: Some(HeaderName::from_static("x-project-id")),
            enterprise_project: Some(HeaderName::from_static("x-enterprise-project-id")),
            request_id: Some(HeaderName::from_static("x-request-id")),
        }
    }
}

/// Where `g:SourceIp` comes from.
///
/// ```
/// use ims_iam::gateway::SourceIp;
/// let behind_proxy = SourceIp::Header(http::HeaderName::from_static("x-real-ip"));
/// assert_ne!(behind_proxy, SourceIp::Peer);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SourceIp {
    /// The connection's peer address, from the [`PeerAddr`] request extension (the default). Behind a
    /// proxy this is the proxy.
    #[default]
    Peer,
    /// A header that the proxy in front sets (e.g. `X-Real-IP`). For a comma-separated list such as
    /// `X-Forwarded-For` the last entry counts: the one the nearest proxy added. When the header is
    /// absent, `g:SourceIp` is missing (conditions on it then fail closed); it never falls back to the peer.
    Header(HeaderName),
    /// Never set `g:SourceIp`.
    None,
}

/// The connection's peer address, as a request extension. Servers insert it (hyper does not by
/// itself); [`SourceIp::Peer`] reads it.
///
/// ```
/// use ims_iam::gateway::PeerAddr;
/// let mut request = http::Request::new(());
/// request.extensions_mut().insert(PeerAddr("10.1.2.3:40000".parse().unwrap()));
/// assert!(request.extensions().get::<PeerAddr>().is_some());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// Why an identity header cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeaderProblem {
    Duplicate(HeaderName),
    NotAscii(HeaderName),
    TooManyGroups,
}

impl std::fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HeaderProblem::Duplicate(h) => write!(f, "the header `{h}` is given more than once"),
            HeaderProblem::NotAscii(h) => write!(f, "the header `{h}` is not visible ASCII"),
            HeaderProblem::TooManyGroups => write!(f, "more than {MAX_GROUPS} groups"),
        }
    }
}

/// The single, trimmed, non-empty value of a header; `None` when absent or empty.
pub(crate) fn single<'h>(
    headers: &'h HeaderMap,
    name: Option<&HeaderName>,
) -> Result<Option<&'h str>, HeaderProblem> {
    let Some(name) = name else { return Ok(None) };
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(HeaderProblem::Duplicate(name.clone()));
    }
    let value = first
        .to_str()
        .map_err(|_| HeaderProblem::NotAscii(name.clone()))?
        .trim();
    Ok((!value.is_empty()).then_some(value))
}

/// The asserted groups of a header: comma-separated, trimmed, empty entries dropped; at most
/// [`MAX_GROUPS`]. Kept as the header's text (nothing allocated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Groups<'h>(&'h str);

impl<'h> Groups<'h> {
    /// The groups, in the order given.
    pub(crate) fn iter(self) -> impl Iterator<Item = &'h str> {
        self.0.split(',').map(str::trim).filter(|g| !g.is_empty())
    }

    /// Whether the list names no group.
    pub(crate) fn is_empty(self) -> bool {
        self.iter().next().is_none()
    }
}

/// The asserted groups.
pub(crate) fn groups<'h>(
    headers: &'h HeaderMap,
    name: Option<&HeaderName>,
) -> Result<Groups<'h>, HeaderProblem> {
    let Some(list) = single(headers, name)? else {
        return Ok(Groups::default());
    };
    let groups = Groups(list);
    if groups.iter().nth(MAX_GROUPS).is_some() {
        return Err(HeaderProblem::TooManyGroups);
    }
    Ok(groups)
}

/// The text of `g:SourceIp`: a header's value, or the peer address written inline (nothing allocated).
#[derive(Debug, Clone, Copy)]
pub(crate) enum SourceIpText<'h> {
    /// From a header.
    Header(&'h str),
    /// The peer address as text: `buf[..len]`.
    Peer { buf: [u8; 48], len: usize },
}

impl SourceIpText<'_> {
    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            SourceIpText::Header(text) => text,
            SourceIpText::Peer { buf, len } => buf
                .get(..*len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
        }
    }

    fn peer(ip: IpAddr) -> SourceIpText<'static> {
        use std::io::Write as _;
        let mut buf = [0u8; 48];
        let mut rest = &mut buf[..];
        // An IPv6 address has at most 45 characters: the write always fits.
        let len = match write!(rest, "{ip}") {
            Ok(()) => 48 - rest.len(),
            Err(_) => 0,
        };
        SourceIpText::Peer { buf, len }
    }
}

impl SourceIp {
    /// The value for `g:SourceIp`, as text (an unparseable header value is passed on as it is: conditions
    /// on it are then resolved on the safe side).
    pub(crate) fn resolve<'h>(
        &self,
        headers: &'h HeaderMap,
        peer: Option<IpAddr>,
    ) -> Result<Option<SourceIpText<'h>>, HeaderProblem> {
        match self {
            SourceIp::Peer => Ok(peer.map(SourceIpText::peer)),
            SourceIp::None => Ok(None),
            SourceIp::Header(name) => Ok(single(headers, Some(name))?
                .and_then(|v| v.rsplit(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(SourceIpText::Header)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn header_values() {
        let mut h = HeaderMap::new();
        let name = HeaderName::from_static("x-user-name");
        assert_eq!(single(&h, Some(&name)), Ok(None));
        h.insert(&name, HeaderValue::from_static("  alice "));
        assert_eq!(single(&h, Some(&name)), Ok(Some("alice")));
        h.append(&name, HeaderValue::from_static("admin"));
        assert_eq!(
            single(&h, Some(&name)),
            Err(HeaderProblem::Duplicate(name.clone()))
        );
        let mut h = HeaderMap::new();
        h.insert(&name, HeaderValue::from_bytes(b"\xffx").unwrap());
        assert_eq!(single(&h, Some(&name)), Err(HeaderProblem::NotAscii(name)));
    }

    #[test]
    fn group_lists_and_source_ips() {
        let mut h = HeaderMap::new();
        let g = HeaderName::from_static("x-user-groups");
        h.insert(&g, HeaderValue::from_static("a, b,,c "));
        assert_eq!(
            groups(&h, Some(&g)).unwrap().iter().collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        let many = vec!["g"; MAX_GROUPS + 1].join(",");
        h.insert(&g, HeaderValue::from_str(&many).unwrap());
        assert_eq!(groups(&h, Some(&g)), Err(HeaderProblem::TooManyGroups));

        let xff = HeaderName::from_static("x-forwarded-for");
        h.insert(&xff, HeaderValue::from_static("203.0.113.9, 10.0.0.7"));
        let from_header = SourceIp::Header(xff);
        assert_eq!(
            from_header
                .resolve(&h, None)
                .unwrap()
                .as_ref()
                .map(SourceIpText::as_str),
            Some("10.0.0.7")
        );
        let peer = Some(IpAddr::from([127, 0, 0, 1]));
        assert_eq!(
            SourceIp::Peer
                .resolve(&h, peer)
                .unwrap()
                .as_ref()
                .map(SourceIpText::as_str),
            Some("127.0.0.1")
        );
        let v6 = Some(IpAddr::from([0xffff_u16; 8]));
        assert_eq!(
            SourceIp::Peer
                .resolve(&h, v6)
                .unwrap()
                .as_ref()
                .map(SourceIpText::as_str),
            Some("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        );
        assert!(SourceIp::None.resolve(&h, peer).unwrap().is_none());
        let absent = SourceIp::Header(HeaderName::from_static("x-real-ip"));
        assert!(absent.resolve(&h, peer).unwrap().is_none());
    }
}
