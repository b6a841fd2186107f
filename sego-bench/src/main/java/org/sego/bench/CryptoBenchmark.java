package org.sego.bench;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The crypto figures of the {@code modern} cost profile, per 4 KiB page on this host: each
 * primitive the strategies charge, one pass, with its per-call set-up included ({@code setup}
 * measures the set-up alone on a 16-byte message). JDK providers, and Bouncy Castle for BLAKE3,
 * which the JDK lacks, and for AES-GCM and SHA-256 beside the JDK's (its lightweight API: no JCA
 * lookup in the measured call).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CryptoBenchmark {
  private final byte[] page = new byte[4096];
  private final byte[] out = new byte[4096 + 64];
  private final byte[] small = new byte[16];
  private SecretKeySpec aes;
  private SecretKeySpec chacha;
  private Cipher gcm;
  private Cipher cbc;
  private Cipher ctr;
  private Cipher chachaPoly;
  private MessageDigest sha256;
  private Mac hmac;
  private final Blake3Digest blake3 = new Blake3Digest(256);
  private final GCMModeCipher bcGcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
  private final SHA256Digest bcSha256 = new SHA256Digest();
  private final KeyParameter bcKey = new KeyParameter(new byte[16]);
  private long counter;

  @Setup
  public void setUp() throws GeneralSecurityException {
    new java.util.SplittableRandom(1).nextBytes(page);
    aes = new SecretKeySpec(new byte[16], "AES");
    chacha = new SecretKeySpec(new byte[32], "ChaCha20");
    gcm = Cipher.getInstance("AES/GCM/NoPadding");
    cbc = Cipher.getInstance("AES/CBC/NoPadding");
    ctr = Cipher.getInstance("AES/CTR/NoPadding");
    chachaPoly = Cipher.getInstance("ChaCha20-Poly1305");
    sha256 = MessageDigest.getInstance("SHA-256");
    hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
  }

  private byte[] nonce(int length) {
    byte[] n = new byte[length];
    long c = ++counter;
    for (int i = 0; i < 8; i++) {
      n[i] = (byte) (c >>> (8 * i));
    }
    return n;
  }

  @Benchmark
  public int aesGcm() throws GeneralSecurityException {
    gcm.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonce(12)));
    return gcm.doFinal(page, 0, page.length, out);
  }

  /** AES-128-GCM of a 4 KiB page with Bouncy Castle's AES engine and GCM mode. */
  @Benchmark
  public int aesGcmBc() throws InvalidCipherTextException {
    bcGcm.init(true, new AEADParameters(bcKey, 128, nonce(12)));
    int n = bcGcm.processBytes(page, 0, page.length, out, 0);
    return n + bcGcm.doFinal(out, n);
  }

  /** SHA-256 of a 4 KiB page with Bouncy Castle's digest. */
  @Benchmark
  public int sha256Bc() {
    bcSha256.update(page, 0, page.length);
    return bcSha256.doFinal(out, 0);
  }

  @Benchmark
  public int aesGcmSetup() throws GeneralSecurityException {
    gcm.init(Cipher.ENCRYPT_MODE, aes, new GCMParameterSpec(128, nonce(12)));
    return gcm.doFinal(small, 0, small.length, out);
  }

  @Benchmark
  public int aesCbc() throws GeneralSecurityException {
    cbc.init(Cipher.ENCRYPT_MODE, aes, new IvParameterSpec(nonce(16)));
    return cbc.doFinal(page, 0, page.length, out);
  }

  @Benchmark
  public int aesCtr() throws GeneralSecurityException {
    ctr.init(Cipher.ENCRYPT_MODE, aes, new IvParameterSpec(nonce(16)));
    return ctr.doFinal(page, 0, page.length, out);
  }

  @Benchmark
  public int chacha20Poly1305() throws GeneralSecurityException {
    chachaPoly.init(Cipher.ENCRYPT_MODE, chacha, new IvParameterSpec(nonce(12)));
    return chachaPoly.doFinal(page, 0, page.length, out);
  }

  @Benchmark
  public byte[] sha256() {
    return sha256.digest(page);
  }

  @Benchmark
  public byte[] hmacSha256() {
    return hmac.doFinal(page);
  }

  @Benchmark
  public int blake3() {
    blake3.update(page, 0, page.length);
    return blake3.doFinal(out, 0);
  }
}
