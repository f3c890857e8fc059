/**
 * {@code s3://BUCKET/PREFIX} mirrors: a {@link org.guildpkg.transport.TransportFactory} found by
 * {@link java.util.ServiceLoader} when this module is on the class path, on the AWS SDK for Java
 * v2 (the S3 client with the JDK's URLConnection HTTP client). Credentials and region come from
 * the SDK's default chains; {@code AWS_ENDPOINT_URL} (or {@code AWS_ENDPOINT_URL_S3}, or the
 * system property {@code aws.endpointUrl}) points it at an S3-compatible server, with path-style
 * addressing.
 *
 * <p>Depends on {@code org.guildpkg.transport} only; core never depends on this module.
 */
package org.guildpkg.s3;
